// Direct JSON text for records of simple shape, the fast path of `dump`: no intermediate tree.
// "Simple": every key unique at its level, every element holds either child elements or one value,
// `Data` elements carry a literal Name, no substitution is used twice. Anything else bails out and
// the caller uses the general builder (render-json.ts), which follows the Rust crate rule by rule.
// test/evtx/json-writer.test.ts and the corpus suite check both give the same JSON.
import { nestedNodes, substitutionValue } from './expand.js';
import type { ElementNode, JsonKey, Node, SubstitutionValues } from './nodes.js';
import { nextRenderStamp } from './substitutions.js';
import type { ChunkContext } from './tokens.js';
import { ValueType } from './value-types.js';
import type { Value } from './values.js';
import { jsonScalar } from './json-text.js';

const BAIL = new (class Bail {})();

function bail(): never {
  throw BAIL;
}

function jsonValue(v: Value): string {
  if (!Array.isArray(v)) return jsonScalar(v);
  let s = '[';
  for (let i = 0; i < v.length; i++) s += (i ? ',' : '') + jsonValue(v[i]);
  return s + ']';
}

function keyOf(e: ElementNode): JsonKey {
  let key = e.name;
  let general = false;
  if (e.name === 'Data') {
    const p = e.attrs.find((a) => a.name === 'Name')?.parts;
    // Only a literal Name gives a fixed key; unnamed or substituted names go the general way.
    if (p && p.length === 1 && p[0].kind === 'text' && typeof p[0].value === 'string') key = p[0].value;
    else general = true;
  }
  const attrNames = e.attrs.map((a) => a.name);
  const simpleAttrs = new Set(attrNames).size === attrNames.length && e.attrs.every((a) => a.parts.length === 1);
  const attrKeys = attrNames.map((n) => JSON.stringify(n) + ':');
  e.jsonKey = { text: JSON.stringify(key) + ':', general, distinctChildren: false, simpleAttrs, attrKeys };
  const seen = new Set<string>();
  let distinct = true;
  for (const c of e.children) {
    if (c.kind !== 'element') {
      distinct = false;
      break;
    }
    const k = c.jsonKey ?? keyOf(c);
    if (k.general || seen.has(k.text)) distinct = false;
    seen.add(k.text);
  }
  e.jsonKey.distinctChildren = distinct;
  return e.jsonKey;
}

class Writer {
  /** Object members for `nodes`, written into an object whose keys so far are `keys`. */
  constructor(private readonly ctx: ChunkContext, private readonly stamp: number) {}

  /** `keys`: keys already in this object, or null when the nodes are known to have distinct keys. */
  members(nodes: Node[], values: SubstitutionValues | null, keys: string[] | null, depth: number): string {
    let s = '';
    for (let i = 0; i < nodes.length; i++) {
      const n = nodes[i];
      let part: string;
      switch (n.kind) {
        case 'element':
          part = this.element(n, values, keys, depth);
          break;
        case 'instance':
          if (!n.template || depth > 32) bail();
          part = this.members(n.template.nodes, n.values, keys, depth + 1);
          break;
        case 'subst': {
          const nested = this.nested(n.index, n.optional, n.type, values);
          if (nested === undefined) continue;
          if (depth > 32) bail();
          part = this.members(nested, null, keys, depth + 1);
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
  private nested(index: number, optional: boolean, type: number, values: SubstitutionValues | null): Node[] | undefined {
    if (optional && type === ValueType.Null) return undefined;
    if (!values) bail();
    const t = values.type(index);
    if (t !== ValueType.BinXml && t !== ValueType.EvtXml) bail();
    if (!values.take(index, this.stamp)) bail();
    return nestedNodes(this.ctx, values, index);
  }

  private take(index: number, values: SubstitutionValues | null): Value {
    if (!values || !values.take(index, this.stamp)) bail();
    return substitutionValue(this.ctx, values, index);
  }

  private element(e: ElementNode, values: SubstitutionValues | null, keys: string[] | null, depth: number): string {
    const key = e.jsonKey ?? keyOf(e);
    if (key.general) bail();
    if (keys) {
      if (keys.includes(key.text)) bail(); // repeated keys: the general builder numbers them
      keys.push(key.text);
    }
    const isData = e.name === 'Data';

    // Attributes (a Data element's are not shown: its Name is the key).
    let attrs = '';
    let anyAttr = false;
    if (!isData && e.attrs.length) {
      if (!key.simpleAttrs) bail();
      for (let i = 0; i < e.attrs.length; i++) {
        const p = e.attrs[i].parts[0];
        let v: Value;
        if (p.kind === 'text') v = p.value;
        else if (p.kind === 'subst') {
          if (p.optional && p.type === ValueType.Null) continue;
          const t = values ? values.type(p.index) : -1;
          if (t === ValueType.BinXml || t === ValueType.EvtXml) bail();
          v = this.take(p.index, values);
        } else bail();
        anyAttr = true;
        if (v !== null) attrs += (attrs ? ',' : '') + key.attrKeys[i] + jsonValue(v);
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
          const t = values ? values.type(c.index) : -1;
          if (t === ValueType.BinXml || t === ValueType.EvtXml) body = this.members(children, values, [], depth);
          else text = jsonValue(this.take(c.index, values));
        }
      } else if (c.kind === 'instance') body = this.members(children, values, [], depth);
      else bail();
    } else if (children.length > 0) {
      body = this.members(children, values, key.distinctChildren ? null : [], depth);
    }

    if (isData || !anyAttr || attrs === '') {
      // No attributes shown: the element is its value, its children object, or null.
      if (body !== null) return key.text + (body ? '{' + body + '}' : 'null');
      return key.text + (text ?? 'null');
    }
    let s = key.text + '{"#attributes":{' + attrs + '}';
    if (body) s += ',' + body;
    else if (text !== null) s += ',"#text":' + text;
    return s + '}';
  }
}

/** The record's JSON text, or null when its shape needs the general builder. */
export function writeRecordJson(ctx: ChunkContext, nodes: Node[]): string | null {
  try {
    const body = new Writer(ctx, nextRenderStamp()).members(nodes, null, [], 0);
    return '{' + body + '}';
  } catch (e) {
    if (e === BAIL) return null;
    throw e;
  }
}
