// Templates shared across chunks. Windows writes the same template definition into every chunk
// that uses it; parsing it once per file (or run) instead of once per chunk saves real time.
// A parsed template can be shared when it depends on nothing but its own bytes and the names it
// reads: Windows often points a template's names at strings defined earlier in the chunk, so
// those names are kept with the entry and checked (same offset, same text) before sharing. A
// template that instantiates another template is never shared.
import type { Template } from './nodes.js';
import { parseFragment, TEMPLATE_HEADER_SIZE, type ChunkContext } from './tokens.js';
import { u32 } from './bytes.js';
import { EvtxFormatError } from './errors.js';
import { crc32 } from './crc32.js';

const MAX_ENTRIES = 4096;

interface Entry {
  bytes: Buffer;
  template: Template;
  /** Names the template reads from outside its own bytes: chunk offset and text. */
  outside: Array<[number, string]>;
}

function sameOutsideNames(ctx: ChunkContext, outside: Array<[number, string]>): boolean {
  for (const [o, text] of outside) {
    try {
      if (ctx.name(o) !== text) return false;
    } catch {
      return false;
    }
  }
  return true;
}
const shared = new Map<string, Entry>();

/** Parses the template at `offset`, or returns an identical one parsed from another chunk. */
export function cachedTemplate(ctx: ChunkContext, offset: number, guidText: (o: number) => string): Template {
  const b = ctx.bytes;
  if (offset + TEMPLATE_HEADER_SIZE > b.length) throw new EvtxFormatError('template offset outside the chunk', offset);
  const size = u32(b, offset + 20);
  const start = offset + TEMPLATE_HEADER_SIZE;
  const end = start + size;
  if (end > b.length) throw new EvtxFormatError('template definition runs past the end of the chunk', offset);
  // Identity is the definition's bytes after the next-template link (which differs between
  // chunks): looked up by offset and checksum, confirmed byte for byte.
  const body = b.subarray(offset + 4, end);
  const key = offset + ':' + crc32(b, offset + 4, end);
  const hit = shared.get(key);
  if (hit && Buffer.compare(hit.bytes, body) === 0 && sameOutsideNames(ctx, hit.outside)) return hit.template;

  let selfContained = true;
  const outside: Array<[number, string]> = [];
  const tracking: ChunkContext = {
    bytes: b,
    name(o) {
      const text = ctx.name(o);
      if (o < start || o >= end) outside.push([o, text]);
      return text;
    },
    template(o) {
      selfContained = false;
      return ctx.template(o);
    },
  };
  const template: Template = { offset, guid: guidText(offset + 4), nodes: parseFragment(tracking, start, end, false) };
  if (selfContained && Buffer.isBuffer(b)) {
    if (shared.size >= MAX_ENTRIES) shared.clear();
    shared.set(key, { bytes: Buffer.from(body), template, outside });
  }
  return template;
}
