// A record as event XML, indented two spaces, the way Event Viewer's XML view reads.
import { expand, entityText, type XmlVisitor } from './expand.js';
import type { Node } from './nodes.js';
import type { ChunkContext } from './tokens.js';
import { valueText, type Value } from './values.js';

interface XElement {
  name: string;
  attrs: Array<[string, Value]>;
  children: Array<XElement | string>;
}

class XmlTree implements XmlVisitor {
  readonly top: Array<XElement | string> = [];
  private stack: XElement[] = [];
  private get children(): Array<XElement | string> {
    return this.stack.length ? this.stack[this.stack.length - 1].children : this.top;
  }
  open(name: string, attrs: Array<[string, Value]>): void {
    const e: XElement = { name, attrs, children: [] };
    this.children.push(e);
    this.stack.push(e);
  }
  close(): void {
    this.stack.pop();
  }
  characters(v: Value): void {
    this.children.push(valueText(v));
  }
  entity(name: string): void {
    this.children.push(entityText(name));
  }
  charRef(code: number): void {
    this.children.push(String.fromCharCode(code));
  }
  cdata(text: string): void {
    this.children.push(text);
  }
  pi(): void {}
}

// Control characters other than tab/newline/CR are written as references, never raw.
const TEXT_ESCAPES = /[&<>\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;
const ATTR_ESCAPES = /[&<>"\u0000-\u001f\u007f]/g;
const escapeChar = (c: string) =>
  c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '"' ? '&quot;' : `&#x${c.charCodeAt(0).toString(16)};`;

export function escapeXmlText(s: string): string {
  return s.replace(TEXT_ESCAPES, escapeChar);
}

export function escapeXmlAttribute(s: string): string {
  return s.replace(ATTR_ESCAPES, escapeChar);
}

function write(e: XElement, indent: string, out: string[]): void {
  let open = indent + '<' + e.name;
  for (const [k, v] of e.attrs) if (v !== null) open += ` ${k}="${escapeXmlAttribute(valueText(v))}"`;
  if (e.children.length === 0) {
    out.push(open + '/>');
    return;
  }
  if (e.children.every((c) => typeof c === 'string')) {
    out.push(open + '>' + escapeXmlText((e.children as string[]).join('')) + '</' + e.name + '>');
    return;
  }
  out.push(open + '>');
  for (const c of e.children) {
    if (typeof c === 'string') {
      if (c !== '') out.push(indent + '  ' + escapeXmlText(c));
    } else write(c, indent + '  ', out);
  }
  out.push(indent + '</' + e.name + '>');
}

export function recordXml(ctx: ChunkContext, nodes: Node[]): string {
  const tree = new XmlTree();
  expand(ctx, nodes, tree);
  const out: string[] = [];
  for (const c of tree.top) {
    if (typeof c === 'string') {
      if (c !== '') out.push(escapeXmlText(c));
    } else write(c, '', out);
  }
  return out.join('\n');
}
