// A small, strict XML reader for FortiSIEM rule files: elements, attributes, text, the five
// predefined entities and character references, CDATA, comments and processing instructions.
// No DOCTYPE (so no entity expansion), no namespaces beyond names with colons. Every error
// names its line and column. Text remembers where each of its characters came from, so a query
// error inside an element's text can point at its place in the file.
//
// Written here rather than taken from a package: rule files are small and simple, and no common
// XML package reports source positions for text content, which error columns need.

export interface XmlElement {
  name: string;
  /** Attribute name → value (entities decoded) and the offset of the value's first character. */
  attributes: ReadonlyMap<string, { value: string; offset: number }>;
  children: XmlElement[];
  /** The element's own text (child elements' text excluded), entities decoded. */
  text: XmlText;
  /** Offset of the `<` that opens the element. */
  offset: number;
}

export interface XmlText {
  value: string;
  /** [text index, source offset] where each run of source text starts, in order. */
  runs: Array<[number, number]>;
}

export class XmlError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(message);
    this.name = 'XmlError';
  }
}

/** 1-based line and column of offsets in one text (line starts found once). */
export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(source: string) {
    for (let i = source.indexOf('\n'); i >= 0; i = source.indexOf('\n', i + 1)) this.starts.push(i + 1);
  }

  at(offset: number): { line: number; column: number } {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - this.starts[lo] + 1 };
  }
}

/** The source offset of character `index` of a text (its end maps past the last run). */
export function sourceOffset(text: XmlText, index: number): number {
  let best: [number, number] = text.runs[0] ?? [0, 0];
  for (const run of text.runs) {
    if (run[0] > index) break;
    best = run;
  }
  return best[1] + (index - best[0]);
}

const NAME = /[A-Za-z_:][A-Za-z0-9_.:-]*/y;
const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

export function parseXml(source: string): XmlElement {
  return new Reader(source).document();
}

class Reader {
  private i = 0;
  private lines: LineIndex | undefined;

  constructor(private readonly s: string) {
    if (s.charCodeAt(0) === 0xfeff) this.i = 1;
  }

  private fail(message: string, at = this.i): never {
    const { line, column } = (this.lines ??= new LineIndex(this.s)).at(at);
    throw new XmlError(message, line, column);
  }

  document(): XmlElement {
    this.misc();
    if (this.s.startsWith('<!DOCTYPE', this.i)) this.fail('DOCTYPE declarations are not supported');
    if (this.s[this.i] !== '<') this.fail(this.i >= this.s.length ? 'no root element' : 'expected the root element');
    const root = this.element();
    this.misc();
    if (this.i < this.s.length) this.fail('content after the root element');
    return root;
  }

  /** Whitespace, comments and processing instructions (the XML declaration too). */
  private misc(): void {
    for (;;) {
      while (this.i < this.s.length && /\s/.test(this.s[this.i])) this.i++;
      if (this.s.startsWith('<!--', this.i)) this.comment();
      else if (this.s.startsWith('<?', this.i)) this.instruction();
      else return;
    }
  }

  private comment(): void {
    const end = this.s.indexOf('-->', this.i + 4);
    if (end < 0) this.fail('comment is not closed');
    this.i = end + 3;
  }

  private instruction(): void {
    const end = this.s.indexOf('?>', this.i + 2);
    if (end < 0) this.fail('processing instruction is not closed');
    this.i = end + 2;
  }

  private name(): string {
    NAME.lastIndex = this.i;
    const m = NAME.exec(this.s);
    if (!m) this.fail('expected a name');
    this.i += m[0].length;
    return m[0];
  }

  private spaces(): boolean {
    const start = this.i;
    while (this.i < this.s.length && /\s/.test(this.s[this.i])) this.i++;
    return this.i > start;
  }

  private element(): XmlElement {
    const offset = this.i;
    this.i++; // <
    const name = this.name();
    const attributes = new Map<string, { value: string; offset: number }>();
    for (;;) {
      const spaced = this.spaces();
      const ch = this.s[this.i];
      if (ch === '/' || ch === '>') break;
      if (ch === undefined) this.fail(`<${name}> is not closed`, offset);
      if (!spaced) this.fail('expected a space before the attribute');
      const at = this.i;
      const attr = this.name();
      this.spaces();
      if (this.s[this.i] !== '=') this.fail(`expected "=" after attribute ${attr}`);
      this.i++;
      this.spaces();
      const quote = this.s[this.i];
      if (quote !== '"' && quote !== "'") this.fail(`the value of attribute ${attr} must be quoted`);
      const end = this.s.indexOf(quote, this.i + 1);
      if (end < 0) this.fail(`the value of attribute ${attr} is not closed`);
      const raw = this.s.slice(this.i + 1, end);
      if (raw.includes('<')) this.fail(`"<" in the value of attribute ${attr}`, this.i + 1 + raw.indexOf('<'));
      if (attributes.has(attr)) this.fail(`attribute ${attr} given twice`, at);
      attributes.set(attr, { value: this.decode(raw, this.i + 1).value, offset: this.i + 1 });
      this.i = end + 1;
    }
    const element: XmlElement = { name, attributes, children: [], text: { value: '', runs: [] }, offset };
    if (this.s[this.i] === '/') {
      if (this.s[this.i + 1] !== '>') this.fail('expected ">" after "/"', this.i + 1);
      this.i += 2;
      return element;
    }
    this.i++; // >
    this.content(element);
    return element;
  }

  private content(e: XmlElement): void {
    for (;;) {
      const lt = this.s.indexOf('<', this.i);
      if (lt < 0) this.fail(`<${e.name}> is not closed`, e.offset);
      if (lt > this.i) this.appendText(e.text, this.decode(this.s.slice(this.i, lt), this.i));
      this.i = lt;
      if (this.s.startsWith('</', lt)) {
        this.i += 2;
        const name = this.name();
        if (name !== e.name) this.fail(`</${name}> closes <${e.name}> (opened at line ${(this.lines ??= new LineIndex(this.s)).at(e.offset).line})`, lt);
        this.spaces();
        if (this.s[this.i] !== '>') this.fail('expected ">"');
        this.i++;
        return;
      }
      if (this.s.startsWith('<!--', lt)) this.comment();
      else if (this.s.startsWith('<![CDATA[', lt)) {
        const end = this.s.indexOf(']]>', lt + 9);
        if (end < 0) this.fail('CDATA section is not closed');
        this.appendText(e.text, { value: this.s.slice(lt + 9, end), runs: [[0, lt + 9]] });
        this.i = end + 3;
      } else if (this.s.startsWith('<?', lt)) this.instruction();
      else if (this.s.startsWith('<!', lt)) this.fail('unexpected declaration');
      else e.children.push(this.element());
    }
  }

  private appendText(into: XmlText, more: XmlText): void {
    const base = into.value.length;
    into.value += more.value;
    for (const [t, o] of more.runs) into.runs.push([base + t, o]);
  }

  /** Entities and character references of `raw` (found at `offset`) decoded, with runs. */
  private decode(raw: string, offset: number): XmlText {
    const out: XmlText = { value: '', runs: [[0, offset]] };
    let i = 0;
    for (let amp = raw.indexOf('&'); amp >= 0; amp = raw.indexOf('&', i)) {
      out.value += raw.slice(i, amp);
      const semi = raw.indexOf(';', amp);
      const ref = semi < 0 ? '' : raw.slice(amp + 1, semi);
      let ch: string | undefined;
      if (/^#[0-9]+$/.test(ref)) ch = codePoint(Number(ref.slice(1)));
      else if (/^#x[0-9a-fA-F]+$/.test(ref)) ch = codePoint(parseInt(ref.slice(2), 16));
      else ch = ENTITIES[ref];
      if (ch === undefined) this.fail(semi < 0 || ref === '' ? '"&" must be written &amp;' : `unknown entity &${ref};`, offset + amp);
      out.runs.push([out.value.length, offset + amp]);
      out.value += ch;
      i = semi + 1;
      out.runs.push([out.value.length, offset + i]);
    }
    out.value += raw.slice(i);
    return out;
  }
}

function codePoint(n: number): string | undefined {
  return n > 0 && n <= 0x10ffff && !(n >= 0xd800 && n <= 0xdfff) ? String.fromCodePoint(n) : undefined;
}
