// A YAML test file read with positions, so every problem in it can be told as
// `file:line:col: reason` (the way people and editors jump to it), never as a crash.
import { readFileSync } from 'node:fs';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node as YamlNode, type YAMLMap, type YAMLSeq } from 'yaml';
import { FIXTURE_TAGS } from '../fixture/index.js';
import type { CaseFailure, SourceRef } from './test-case.js';

export class YamlSource {
  readonly lines = new LineCounter();
  readonly doc: Document;

  private constructor(
    readonly file: string,
    readonly text: string,
  ) {
    // The fixture's value tags (`!uint32 5`) are known, for events written inline.
    this.doc = parseDocument(text, { lineCounter: this.lines, prettyErrors: true, uniqueKeys: true, customTags: FIXTURE_TAGS });
  }

  /** The file parsed, or the one problem that stops it being read (unreadable, YAML syntax). */
  static read(file: string): YamlSource | CaseFailure {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      return { kind: 'invalid-test', message: `${file}: cannot read: ${(e as NodeJS.ErrnoException).code ?? String(e)}` };
    }
    const source = new YamlSource(file, text);
    const e = source.doc.errors[0];
    if (e) {
      const pos = e.linePos?.[0];
      // The parser's message repeats the position at its end: said once, in front.
      const reason = e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
      return { kind: 'invalid-test', message: `${file}${pos ? `:${pos.line}:${pos.col}` : ''}: YAML: ${reason}` };
    }
    return source;
  }

  at(node: YamlNode | null | undefined): SourceRef {
    const offset = node?.range?.[0];
    if (offset === undefined) return { file: this.file };
    const { line, col } = this.lines.linePos(offset);
    return { file: this.file, line, column: col };
  }

  /** A problem at a node, in the `file:line:col: reason` form. */
  problem(node: YamlNode | null | undefined, reason: string): CaseFailure {
    const { line, column } = this.at(node);
    return { kind: 'invalid-test', message: `${this.file}${line ? `:${line}:${column}` : ''}: ${reason}` };
  }

  /** The document's top node as a map, or a problem. */
  root(): YAMLMap | CaseFailure {
    const root = this.doc.contents;
    return isMap(root) ? root : this.problem(root, 'expected a map at the top of the file');
  }
}

/** A map's entries as [key text, key node, value node]. */
export function entries(map: YAMLMap): Array<[string, YamlNode, YamlNode | null]> {
  return map.items.map((pair) => {
    const key = pair.key as YamlNode;
    return [isScalar(key) ? String(key.value) : String(key), key, (pair.value as YamlNode | null) ?? null];
  });
}

/** A scalar's text, or undefined for anything else (maps, lists, null). */
export function scalarText(node: YamlNode | null): string | undefined {
  return isScalar(node) && node.value !== null && node.value !== undefined && typeof node.value !== 'object' ? String(node.value) : undefined;
}

/** A whole number ≥ 0, or undefined. */
export function countOf(node: YamlNode | null): number | undefined {
  return isScalar(node) && typeof node.value === 'number' && Number.isInteger(node.value) && node.value >= 0 ? node.value : undefined;
}

/** A scalar or a list of scalars as texts with their nodes; undefined when it is neither. */
export function textList(node: YamlNode | null): Array<{ text: string; node: YamlNode }> | undefined {
  if (isSeq(node)) {
    const out: Array<{ text: string; node: YamlNode }> = [];
    for (const item of (node as YAMLSeq).items as YamlNode[]) {
      const text = scalarText(item);
      if (text === undefined) return undefined;
      out.push({ text, node: item });
    }
    return out;
  }
  const text = scalarText(node);
  return text === undefined || node === null ? undefined : [{ text, node }];
}
