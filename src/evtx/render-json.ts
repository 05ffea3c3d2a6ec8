// A record as the JSON the Rust `evtx` crate prints (evtx_dump -o json/jsonl), built from the
// same XML events: elements become keys, attributes go under `#attributes`, text beside them
// under `#text`, `<Data Name="X">` becomes key X, repeated keys get `_1`, `_2`… suffixes, and
// empty elements are null. Where the crate gives up on a record (text after a number, character
// references), we keep going with the closest sensible value instead.
import { entityText, expand, type XmlVisitor } from './expand.js';
import type { ChunkContext } from './tokens.js';
import type { Node } from './nodes.js';
import { valueText, type Value } from './values.js';
import { jsonScalar, jsonString } from './json-text.js';

/** JSON value with ordered objects; Map keeps insertion order even for numeric-looking keys. */
export type Json = null | string | number | bigint | boolean | Json[] | JsonObject;
export type JsonObject = Map<string, Json>;

const isObject = (v: Json | undefined): v is JsonObject => v instanceof Map;

class JsonBuilder implements XmlVisitor {
  readonly root: JsonObject = new Map();
  private stack: string[] = [];

  /** Follows the key stack from the root, creating objects (or wrapping scalars) where missing. */
  private currentPath(): Json {
    let v: Json = this.root;
    let parent: JsonObject | null = null;
    let parentKey = '';
    for (const key of this.stack) {
      if (!isObject(v) || !v.has(key)) {
        if (isObject(v)) v.set(key, new Map());
        else {
          const wrapped: JsonObject = new Map([[key, v === null ? new Map() : v]]);
          parent!.set(parentKey, wrapped);
          v = wrapped;
        }
      }
      parent = v as JsonObject;
      parentKey = key;
      v = parent.get(key)!;
    }
    return v;
  }

  /** The object that holds the innermost key (created on the way if needed). */
  private currentParent(): JsonObject | null {
    this.currentPath();
    let v: Json = this.root;
    for (let i = 0; i < this.stack.length - 1; i++) v = (v as JsonObject).get(this.stack[i])!;
    return isObject(v) ? v : null;
  }

  private freeSlot(container: JsonObject, name: string): string {
    let n = 1;
    while (container.has(`${name}_${n}`)) n++;
    return `${name}_${n}`;
  }

  private insertWithoutAttributes(name: string): void {
    this.stack.push(name);
    const container = this.currentParent();
    if (!container) return;
    const old = container.get(name);
    container.set(name, null);
    if (old === undefined || old === null || (isObject(old) && old.size === 0)) return;
    container.set(this.freeSlot(container, name), old);
  }

  private insertWithAttributes(name: string, attrs: Array<[string, Value]>): void {
    this.stack.push(name);
    const attributes: JsonObject = new Map();
    for (const [k, v] of attrs) if (v !== null) attributes.set(k, v);
    const container = this.currentParent();
    if (!container) return;
    if (attributes.size === 0) {
      container.set(name, null);
      return;
    }
    const old = container.get(name);
    container.set(name, null);
    if (isObject(old) && old.size > 0) container.set(this.freeSlot(container, name), old);
    container.set(name, new Map<string, Json>([['#attributes', attributes]]));
  }

  open(name: string, attrs: Array<[string, Value]>): void {
    if (name === 'Data') {
      const named = attrs.find(([k]) => k === 'Name');
      if (named) this.insertWithoutAttributes(valueText(named[1]));
      else this.stack.push('Data');
      return;
    }
    if (attrs.length === 0) this.insertWithoutAttributes(name);
    else this.insertWithAttributes(name, attrs);
  }

  close(): void {
    this.stack.pop();
  }

  characters(value: Value): void {
    const current = this.currentPath();
    if (current === null) {
      this.replaceCurrent(value);
    } else if (isObject(current)) {
      const text = current.get('#text');
      if (text === undefined || text === null) current.set('#text', value);
      else if (typeof text === 'string') {
        current.delete('#text');
        current.set('#text', [text, value]);
      } else if (Array.isArray(text)) text.push(value);
      else current.set('#text', valueText(text as Value) + valueText(value));
    } else if (Array.isArray(current)) {
      current.push(value);
    } else {
      // A string grows; the crate rejects text after a number or boolean, we append it as text.
      this.replaceCurrent(valueText(current as Value) + valueText(value));
    }
  }

  private replaceCurrent(value: Json): void {
    if (this.stack.length === 0) return;
    const parent = this.currentParent();
    if (parent) parent.set(this.stack[this.stack.length - 1], value);
  }

  entity(name: string): void {
    this.characters(entityText(name));
  }

  charRef(code: number): void {
    this.characters(String.fromCharCode(code));
  }

  cdata(text: string): void {
    this.characters(text);
  }

  pi(): void {
    // Processing instructions carry no event data.
  }
}

export function recordJson(ctx: ChunkContext, nodes: Node[]): JsonObject {
  const b = new JsonBuilder();
  expand(ctx, nodes, b);
  return b.root;
}

/** Compact JSON text, with 64-bit integers written exactly. */
export function stringifyJson(v: Json, indent = '', step = ''): string {
  if (v === null || typeof v !== 'object') return jsonScalar(v);
  const inner = indent + step;
  const nl = step ? '\n' : '';
  const sep = step ? ': ' : ':';
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    return '[' + nl + v.map((x) => inner + stringifyJson(x, inner, step)).join(',' + nl) + nl + indent + ']';
  }
  if (v.size === 0) return '{}';
  let s = '{' + nl;
  let first = true;
  for (const [k, x] of v) {
    if (!first) s += ',' + nl;
    first = false;
    s += inner + jsonString(k) + sep + stringifyJson(x, inner, step);
  }
  return s + nl + indent + '}';
}

/** Plain JS object form (for tests and callers that want `JSON.parse`-like values). */
export function toPlain(v: Json): unknown {
  if (isObject(v)) {
    const o: Record<string, unknown> = Object.create(null); // `__proto__` stays a key
    for (const [k, x] of v) o[k] = toPlain(x);
    return o;
  }
  if (Array.isArray(v)) return v.map(toPlain);
  if (typeof v === 'bigint') return Number(v);
  return v;
}
