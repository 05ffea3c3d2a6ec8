// One event record: header (magic, size, id, time) then BinXML. The BinXML is parsed when first
// needed; values are decoded only when read.
import { u64 } from './bytes.js';
import type { Node } from './nodes.js';
import { recordJson, stringifyJson, type JsonObject } from './render-json.js';
import { recordXml } from './render-xml.js';
import { writeRecordJson } from './json-writer.js';
import { RecordFields } from './fields.js';
import { filetimeIso, filetimeMillis } from './time.js';
import { parseFragment, type ChunkContext } from './tokens.js';

export const RECORD_MAGIC = 0x00002a2a;
export const RECORD_HEADER_SIZE = 24;

export class EvtxRecord {
  /** Event record id (EventRecordID). Numbers above 2^53 are not seen in practice. */
  readonly id: number;
  private parsed: Node[] | null = null;
  private fieldsCache: RecordFields | null = null;

  constructor(
    readonly chunk: ChunkContext & { readonly index: number },
    /** Offset of the record inside its chunk. */
    readonly offset: number,
    readonly size: number,
  ) {
    this.id = Number(u64(chunk.bytes, offset + 8));
  }

  /** Written time from the record header, ISO 8601 with microseconds. */
  get timestamp(): string {
    return filetimeIso(this.chunk.bytes, this.offset + 16);
  }

  /** Written time in milliseconds since 1970 (for sorting and time filters). */
  get timeMillis(): number {
    return filetimeMillis(this.chunk.bytes, this.offset + 16);
  }

  /** The record's BinXML as nodes. Throws EvtxFormatError on damage. */
  nodes(): Node[] {
    if (!this.parsed) {
      const start = this.offset + RECORD_HEADER_SIZE;
      this.parsed = parseFragment(this.chunk, start, this.offset + this.size - 4, false);
    }
    return this.parsed;
  }

  /** Fields by name: EventData/UserData names, System elements, `Element_Attribute`. */
  get fields(): RecordFields {
    if (!this.fieldsCache) this.fieldsCache = new RecordFields(this.chunk, this.nodes());
    return this.fieldsCache;
  }

  /** The record as the Rust `evtx` crate's JSON. */
  json(): JsonObject {
    return recordJson(this.chunk, this.nodes());
  }

  /** JSON text; compact unless `pretty`. Simple records skip the intermediate tree. */
  jsonText(pretty = false): string {
    if (pretty) return stringifyJson(this.json(), '', '  ');
    return writeRecordJson(this.chunk, this.nodes()) ?? stringifyJson(this.json());
  }

  xml(): string {
    return recordXml(this.chunk, this.nodes());
  }
}

