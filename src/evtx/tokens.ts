// BinXML token stream → nodes (MS-EVEN6 2.2.12). One pass, bounds-checked, never recursing into
// itself except for nested template definitions and BinXML values, which are parsed on demand.
import { trimEnd, u16, u32, utf16 } from './bytes.js';
import { EvtxFormatError } from './errors.js';
import type { AttributeNode, ElementNode, InstanceNode, Node, Template } from './nodes.js';
import { SubstitutionValues } from './substitutions.js';
import { ValueType, isKnownValueType, valueTypeName } from './value-types.js';
import { decodeValue, type Value } from './values.js';

export const Token = {
  EndOfStream: 0x00,
  OpenStartElement: 0x01,
  CloseStartElement: 0x02,
  CloseEmptyElement: 0x03,
  CloseElement: 0x04,
  Value: 0x05,
  Attribute: 0x06,
  CDataSection: 0x07,
  CharRef: 0x08,
  EntityRef: 0x09,
  PITarget: 0x0a,
  PIData: 0x0b,
  TemplateInstance: 0x0c,
  NormalSubstitution: 0x0d,
  OptionalSubstitution: 0x0e,
  FragmentHeader: 0x0f,
} as const;

/** Set on element, value, attribute, CDATA and reference tokens: "more follows" / "has attributes". */
export const MORE_FLAG = 0x40;

/** What a parser needs from its chunk: the bytes, names by offset, templates by offset. */
export interface ChunkContext {
  readonly bytes: Uint8Array;
  name(offset: number): string;
  template(offset: number): Template | null;
}

class Cursor {
  constructor(
    readonly b: Uint8Array,
    public pos: number,
    readonly end: number,
  ) {}
  need(n: number, what: string): void {
    if (this.pos + n > this.end) throw new EvtxFormatError(`${what} runs past the end of its data`, this.pos);
  }
  u8(what: string): number {
    this.need(1, what);
    return this.b[this.pos++];
  }
  u16(what: string): number {
    this.need(2, what);
    const v = u16(this.b, this.pos);
    this.pos += 2;
    return v;
  }
  u32(what: string): number {
    this.need(4, what);
    const v = u32(this.b, this.pos);
    this.pos += 4;
    return v;
  }
  /** A UTF-16 string prefixed by its length in code units. */
  prefixedString(what: string): string {
    const n = this.u16(what);
    this.need(2 * n, what);
    const s = utf16(this.b, this.pos, n);
    this.pos += 2 * n;
    return s;
  }
}

/** Size of a name structure: next-offset (4), hash (2), length (2), characters, NUL (2). */
export function nameStructureSize(b: Uint8Array, offset: number): number {
  return 10 + 2 * u16(b, offset + 6);
}

/** Reads a name at `offset` in the chunk (the structure, not the reference to it). */
export function readName(b: Uint8Array, offset: number, limit: number): string {
  if (offset + 8 > limit) throw new EvtxFormatError('name offset outside the chunk', offset);
  const n = u16(b, offset + 6);
  if (offset + 8 + 2 * n > limit) throw new EvtxFormatError('name runs past the end of the chunk', offset);
  return trimEnd(utf16(b, offset + 8, n));
}

function nameRef(c: Cursor, ctx: ChunkContext, what: string): string {
  const offset = c.u32(what);
  // A name defined in place follows its own reference; skip over it.
  if (offset === c.pos) {
    c.need(8, what);
    c.pos += nameStructureSize(c.b, offset);
    if (c.pos > c.end) throw new EvtxFormatError(`${what} runs past the end of its data`, offset);
  }
  return ctx.name(offset);
}

/** Template definition header: next offset (4), GUID (16), data size (4). */
export const TEMPLATE_HEADER_SIZE = 24;

function readInstance(c: Cursor, ctx: ChunkContext): InstanceNode {
  c.need(9, 'template instance');
  c.pos += 5; // unknown byte, template id (the definition offset identifies it)
  const defOffset = c.u32('template instance');
  if (defOffset === c.pos) {
    // The definition is written in place the first time a chunk uses it.
    c.need(TEMPLATE_HEADER_SIZE, 'template definition');
    const size = u32(c.b, c.pos + 20);
    c.pos += TEMPLATE_HEADER_SIZE + size;
    if (c.pos > c.end) throw new EvtxFormatError('template definition runs past the end of the record', defOffset);
  }
  const count = c.u32('substitution count');
  c.need(4 * count, 'substitution descriptors');
  const b = c.b;
  const values = new SubstitutionValues(b, c.pos, count, c.pos + 4 * count);
  let valuePos = c.pos + 4 * count;
  for (let i = 0, p = c.pos; i < count; i++, p += 4) valuePos += u16(b, p);
  if (valuePos > c.end) throw new EvtxFormatError('substitution values run past the end of the record', c.pos);
  c.pos = valuePos;
  return { kind: 'instance', template: ctx.template(defOffset), values };
}

function readLiteralValue(c: Cursor): Value {
  const type = c.u8('value type');
  if (type === ValueType.String) return trimEnd(c.prefixedString('string value'));
  if (type === ValueType.Null) return null;
  // Other literal types are fixed-size; sized ones cannot appear outside substitutions.
  const width = { 0x03: 1, 0x04: 1, 0x05: 2, 0x06: 2, 0x07: 4, 0x08: 4, 0x09: 8, 0x0a: 8, 0x0b: 4, 0x0c: 8, 0x0d: 4, 0x0f: 16, 0x11: 8, 0x12: 16, 0x14: 4, 0x15: 8 }[type];
  if (width === undefined) throw new EvtxFormatError(`literal value of type ${valueTypeName(type)} is not supported`, c.pos - 1);
  c.need(width, 'literal value');
  const v = decodeValue(c.b, type, c.pos, width, c.end);
  c.pos += width;
  return v;
}

function unclosed(e: ElementNode, at: number): EvtxFormatError {
  return new EvtxFormatError(`BinXML ends inside element <${e.name}> (truncated)`, at);
}

/**
 * Parses BinXML from `start` until an end-of-stream token or `end`.
 * `inSubstitution`: the fragment is a BinXML value, whose element tokens lack a dependency id.
 */
export function parseFragment(ctx: ChunkContext, start: number, end: number, inSubstitution: boolean): Node[] {
  const b = ctx.bytes;
  const c = new Cursor(b, start, Math.min(end, b.length));
  // Nearly every record, and the EventData it holds, is a fragment header and one template
  // instance: read that straight; anything else is parsed token by token below.
  if (start + 5 <= c.end && b[start] === Token.FragmentHeader && (b[start + 4] & ~MORE_FLAG) === Token.TemplateInstance) {
    c.pos = start + 5;
    const only = readInstance(c, ctx);
    if (c.pos >= c.end || (b[c.pos] & ~MORE_FLAG) === Token.EndOfStream) return [only];
    c.pos = start;
  }
  const top: Node[] = [];
  const stack: ElementNode[] = [];
  let open: ElementNode | null = null; // element whose start tag is being read
  let attr: AttributeNode | null = null; // attribute awaiting its value
  const add = (n: Node) => {
    if (open) {
      if (attr) attr.parts.push(n);
      return; // values in a start tag without an attribute name are ignored, as Windows does
    }
    (stack.length ? stack[stack.length - 1].children : top).push(n);
  };

  while (c.pos < c.end) {
    const at = c.pos;
    const raw = c.u8('token');
    const token = raw & ~MORE_FLAG;
    switch (token) {
      case Token.EndOfStream:
        if (open || stack.length) throw unclosed(open ?? stack[stack.length - 1], at);
        return top;
      case Token.FragmentHeader:
        c.need(3, 'fragment header');
        c.pos += 3;
        break;
      case Token.OpenStartElement: {
        if (open) throw new EvtxFormatError('element starts inside another start tag', at);
        let noDependency = inSubstitution;
        if (!noDependency) {
          c.need(6, 'element');
          // Some writers omit the dependency id; a data size past the chunk tells us so.
          if (u32(b, c.pos + 2) >= b.length) noDependency = true;
          else c.pos += 2;
        }
        c.u32('element size');
        const name = nameRef(c, ctx, 'element name');
        if (raw & MORE_FLAG) c.u32('attribute list size');
        open = { kind: 'element', name, attrs: [], children: [], jsonKey: null };
        attr = null;
        break;
      }
      case Token.Attribute: {
        if (!open) throw new EvtxFormatError('attribute outside a start tag', at);
        attr = { name: nameRef(c, ctx, 'attribute name'), parts: [] };
        open.attrs.push(attr);
        break;
      }
      case Token.CloseStartElement:
      case Token.CloseEmptyElement: {
        if (!open) throw new EvtxFormatError('end of start tag without an element', at);
        (stack.length ? stack[stack.length - 1].children : top).push(open);
        if (token === Token.CloseStartElement) stack.push(open);
        open = null;
        attr = null;
        break;
      }
      case Token.CloseElement:
        if (open || !stack.length) throw new EvtxFormatError('end tag without an open element', at);
        stack.pop();
        break;
      case Token.Value:
        add({ kind: 'text', value: readLiteralValue(c) });
        break;
      case Token.NormalSubstitution:
      case Token.OptionalSubstitution: {
        const index = c.u16('substitution');
        const type = c.u8('substitution');
        if (!isKnownValueType(type)) throw new EvtxFormatError(`substitution of unknown type 0x${type.toString(16)}`, at);
        add({ kind: 'subst', index, optional: token === Token.OptionalSubstitution, type });
        break;
      }
      case Token.EntityRef:
        add({ kind: 'entity', name: nameRef(c, ctx, 'entity name') });
        break;
      case Token.CharRef:
        add({ kind: 'charref', code: c.u16('character reference') });
        break;
      case Token.CDataSection:
        add({ kind: 'cdata', text: c.prefixedString('CDATA section') });
        break;
      case Token.PITarget: {
        const target = nameRef(c, ctx, 'processing instruction');
        let data = '';
        if (c.pos < c.end && b[c.pos] === Token.PIData) {
          c.pos++;
          data = c.prefixedString('processing instruction data');
        }
        add({ kind: 'pi', target, data });
        break;
      }
      case Token.PIData:
        throw new EvtxFormatError('processing instruction data without a target', at);
      case Token.TemplateInstance:
        add(readInstance(c, ctx));
        break;
      default:
        throw new EvtxFormatError(`unknown BinXML token 0x${raw.toString(16)}`, at);
    }
  }
  if (open || stack.length) throw unclosed(open ?? stack[stack.length - 1], c.pos);
  return top;
}
