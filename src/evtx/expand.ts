// Walks a record's nodes with their substitution values filled in, emitting XML events.
// JSON and XML rendering both sit on this walk, so they agree on what a record holds.
import { EvtxFormatError } from './errors.js';
import { nextRenderStamp } from './substitutions.js';
import type { InstanceNode, Node, SubstitutionNode, SubstitutionValues } from './nodes.js';
import { parseFragment, type ChunkContext } from './tokens.js';
import { ValueType } from './value-types.js';
import { decodeValue, valueText, type Value } from './values.js';

export interface XmlVisitor {
  /** `attrs` keeps attributes whose value is null: the Rust crate's element model does too. */
  open(name: string, attrs: Array<[string, Value]>): void;
  close(): void;
  characters(v: Value): void;
  entity(name: string): void;
  charRef(code: number): void;
  cdata(text: string): void;
  pi(target: string, data: string): void;
}

/** How deep nested BinXML values may go before the record is called damaged (guards cycles). */
const MAX_NESTING = 32;

function isBinXml(type: number): boolean {
  return type === ValueType.BinXml || type === ValueType.EvtXml;
}

/** Decodes value `i` of an instance; out-of-range indexes read as null, as Windows renders them. */
export function substitutionValue(ctx: ChunkContext, values: SubstitutionValues, i: number): Value {
  if (i >= values.count) return null;
  return decodeValue(ctx.bytes, values.type(i), values.offset(i), values.size(i), ctx.bytes.length);
}

/** Parses the nested BinXML fragment held by value `i`. */
export function nestedNodes(ctx: ChunkContext, values: SubstitutionValues, i: number): Node[] {
  const start = values.offset(i);
  return parseFragment(ctx, start, start + values.size(i), true);
}

export function expand(ctx: ChunkContext, nodes: Node[], visitor: XmlVisitor): void {
  walk(ctx, nodes, null, nextRenderStamp(), visitor, 0);
}

function walk(
  ctx: ChunkContext,
  nodes: Node[],
  values: SubstitutionValues | null,
  stamp: number,
  v: XmlVisitor,
  depth: number,
): void {
  for (const n of nodes) {
    switch (n.kind) {
      case 'element': {
        const attrs: Array<[string, Value]> = [];
        for (const a of n.attrs) {
          const value = attributeValue(ctx, a.parts, values, stamp);
          if (value !== undefined) attrs.push([a.name, value]);
        }
        v.open(n.name, attrs);
        walk(ctx, n.children, values, stamp, v, depth);
        v.close();
        break;
      }
      case 'text':
        v.characters(n.value);
        break;
      case 'subst':
        substitution(ctx, n, values, stamp, v, depth);
        break;
      case 'instance':
        instance(ctx, n, v, stamp, depth);
        break;
      case 'entity':
        v.entity(n.name);
        break;
      case 'charref':
        v.charRef(n.code);
        break;
      case 'cdata':
        v.cdata(n.text);
        break;
      case 'pi':
        v.pi(n.target, n.data);
        break;
    }
  }
}

function instance(ctx: ChunkContext, n: InstanceNode, v: XmlVisitor, stamp: number, depth: number): void {
  if (!n.template) throw new EvtxFormatError('template definition could not be read', 0);
  if (depth > MAX_NESTING) throw new EvtxFormatError('template instances nested too deep', 0);
  walk(ctx, n.template.nodes, n.values, stamp, v, depth + 1);
}

function substitution(
  ctx: ChunkContext,
  n: SubstitutionNode,
  values: SubstitutionValues | null,
  stamp: number,
  v: XmlVisitor,
  depth: number,
): void {
  if (n.optional && n.type === ValueType.Null) return; // optional and declared empty: absent
  if (!values || !values.take(n.index, stamp)) {
    v.characters(null);
    return;
  }
  const type = values.type(n.index);
  if (isBinXml(type)) {
    if (depth > MAX_NESTING) throw new EvtxFormatError('BinXML values nested too deep', values.offset(n.index));
    walk(ctx, nestedNodes(ctx, values, n.index), null, stamp, v, depth + 1);
    return;
  }
  v.characters(substitutionValue(ctx, values, n.index));
}

/** An attribute's value; undefined when the attribute is absent (an optional, empty substitution). */
function attributeValue(
  ctx: ChunkContext,
  parts: Node[],
  values: SubstitutionValues | null,
  stamp: number,
): Value | undefined {
  if (parts.length === 0) return undefined;
  if (parts.length === 1) return partValue(ctx, parts[0], values, stamp);
  let text = '';
  let any = false;
  for (const p of parts) {
    const pv = partValue(ctx, p, values, stamp);
    if (pv === undefined) continue;
    any = true;
    text += valueText(pv);
  }
  return any ? text : undefined;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

export function entityText(name: string): string {
  return ENTITIES[name] ?? `&${name};`;
}

/** The value of a part that holds no substitution: text, entity, character reference, CDATA. */
export function literalValue(p: Node): Value | undefined {
  switch (p.kind) {
    case 'text':
      return p.value;
    case 'entity':
      return entityText(p.name);
    case 'charref':
      return String.fromCharCode(p.code);
    case 'cdata':
      return p.text;
    default:
      return undefined;
  }
}

function partValue(ctx: ChunkContext, p: Node, values: SubstitutionValues | null, stamp: number): Value | undefined {
  if (p.kind !== 'subst') return literalValue(p);
  if (p.optional && p.type === ValueType.Null) return undefined;
  if (!values || !values.take(p.index, stamp)) return null;
  if (isBinXml(values.type(p.index))) return null;
  return substitutionValue(ctx, values, p.index);
}
