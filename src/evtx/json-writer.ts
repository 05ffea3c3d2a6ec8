// Direct JSON text for records of simple shape, the fast path of `dump`: no intermediate tree.
// "Simple": every key unique at its level, every element holds either child elements or one value,
// `Data` elements carry a literal Name, no substitution is used twice. Anything else bails out and
// the caller uses the general builder (render-json.ts), which follows the Rust crate rule by rule.
// test/evtx/json-writer.test.ts and the corpus suite check both give the same JSON.
import { nestedNodes, substitutionValue } from './expand.js';
import type { ElementNode, Node, SubstitutionValues } from './nodes.js';
import type { ChunkContext } from './tokens.js';
import { ValueType } from './value-types.js';
import type { Value } from './values.js';

const BAIL = new (class Bail {})();

function bail(): never {
  throw BAIL;
}

function jsonValue(v: Value): string {
  if (v === null) return 'null';
  switch (typeof v) {
    case 'string':
      return JSON.stringify(v);
    case 'number':
      return Number.isFinite(v) ? String(v) : 'null';
    case 'bigint':
      return v.toString();
    case 'boolean':
      return v ? 'true' : 'false';
  }
  let s = '[';
  for (let i = 0; i < v.length; i++) s += (i ? ',' : '') + jsonValue(v[i]);
  return s + ']';
}

/** Per element, worked out once: its JSON key and the attribute that names a Data element. */
interface ElementInfo {
  key: string; // JSON-quoted key followed by ':'
  /** A Data element without a literal Name: only the general builder renders it. */
  general: boolean;
}
const infos = new WeakMap<ElementNode, ElementInfo>();

function infoOf(e: ElementNode): ElementInfo {
  let info = infos.get(e);
  if (!info) {
    let key = e.name;
    let general = false;
    if (e.name === 'Data') {
      const p = e.attrs.find((a) => a.name === 'Name')?.parts;
      // Only a literal Name gives a fixed key; unnamed or substituted names go the general way.
      if (p && p.length === 1 && p[0].kind === 'text' && typeof p[0].value === 'string') key = p[0].value;
      else general = true;
    }
    info = { key: JSON.stringify(key) + ':', general };
    infos.set(e, info);
  }
  return info;
}

class Writer {
  constructor(private readonly ctx: ChunkContext) {}

  /** Object members for `nodes`, written into an object whose keys so far are `keys`. */
  members(nodes: Node[], values: SubstitutionValues | null, used: Uint8Array | null, keys: string[], depth: number): string {
    let s = '';
    for (const n of nodes) {
      let part: string;
      switch (n.kind) {
        case 'element':
          part = this.element(n, values, used, keys, depth);
          break;
        case 'instance':
          if (!n.template || depth > 32) bail();
          part = this.members(n.template.nodes, n.values, new Uint8Array(n.values.types.length), keys, depth + 1);
          break;
        case 'subst': {
          const nested = this.nested(n.index, n.optional, n.type, values, used);
          if (nested === undefined) continue;
          if (depth > 32) bail();
          part = this.members(nested, null, null, keys, depth + 1);
          break;
        }
        default:
          bail(); // text beside child elements
      }
      if (part) s += (s ? ',' : '') + part;
    }
    return s;
  }

  /** Nested BinXML held by a substitution; undefined when the substitution is absent. */
  private nested(index: number, optional: boolean, type: number, values: SubstitutionValues | null, used: Uint8Array | null): Node[] | undefined {
    if (optional && type === ValueType.Null) return undefined;
    if (!values || !used || index >= values.types.length) bail();
    const t = values.types[index];
    if (t !== ValueType.BinXml && t !== ValueType.EvtXml) bail();
    if (used[index]) bail();
    used[index] = 1;
    return nestedNodes(this.ctx, values, index);
  }

  private take(index: number, values: SubstitutionValues | null, used: Uint8Array | null): Value {
    if (!values || !used || index >= values.types.length || used[index]) bail();
    used[index] = 1;
    return substitutionValue(this.ctx, values, index);
  }

  private element(e: ElementNode, values: SubstitutionValues | null, used: Uint8Array | null, keys: string[], depth: number): string {
    const info = infoOf(e);
    if (info.general || keys.includes(info.key)) bail(); // repeated keys: the general builder numbers them
    keys.push(info.key);
    const isData = e.name === 'Data';

    // Attributes (a Data element's are not shown: its Name is the key).
    let attrs = '';
    let anyAttr = false;
    if (!isData) {
      const seen: string[] = [];
      for (const a of e.attrs) {
        if (a.parts.length !== 1) bail();
        const p = a.parts[0];
        let v: Value;
        if (p.kind === 'text') v = p.value;
        else if (p.kind === 'subst') {
          if (p.optional && p.type === ValueType.Null) continue;
          const t = values && p.index < values.types.length ? values.types[p.index] : -1;
          if (t === ValueType.BinXml || t === ValueType.EvtXml) bail();
          v = this.take(p.index, values, used);
        } else bail();
        anyAttr = true;
        if (seen.includes(a.name)) bail();
        seen.push(a.name);
        if (v !== null) attrs += (attrs ? ',' : '') + JSON.stringify(a.name) + ':' + jsonValue(v);
      }
    }

    // Content: child elements (possibly through nested BinXML) or exactly one value.
    const children = e.children;
    let body: string | null = null; // object members from child elements
    let text: string | null = null; // JSON of the single value
    if (children.length === 1 && children[0].kind !== 'element') {
      const c = children[0];
      if (c.kind === 'text') text = jsonValue(c.value);
      else if (c.kind === 'subst') {
        if (!(c.optional && c.type === ValueType.Null)) {
          const t = values && c.index < values.types.length ? values.types[c.index] : -1;
          if (t === ValueType.BinXml || t === ValueType.EvtXml) body = this.members(children, values, used, [], depth);
          else text = jsonValue(this.take(c.index, values, used));
        }
      } else if (c.kind === 'instance') body = this.members(children, values, used, [], depth);
      else bail();
    } else if (children.length > 0) {
      body = this.members(children, values, used, [], depth);
    }

    if (isData || !anyAttr || attrs === '') {
      // No attributes shown: the element is its value, its children object, or null.
      if (body !== null) return info.key + (body ? '{' + body + '}' : 'null');
      return info.key + (text ?? 'null');
    }
    let s = info.key + '{"#attributes":{' + attrs + '}';
    if (body) s += ',' + body;
    else if (text !== null) s += ',"#text":' + text;
    return s + '}';
  }
}

/** The record's JSON text, or null when its shape needs the general builder. */
export function writeRecordJson(ctx: ChunkContext, nodes: Node[]): string | null {
  try {
    const body = new Writer(ctx).members(nodes, null, null, [], 0);
    return '{' + body + '}';
  } catch (e) {
    if (e === BAIL) return null;
    throw e;
  }
}
