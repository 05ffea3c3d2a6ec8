// What the EVTX reader offers the rest of sigscan.
export { readEvtxFile, readChunk, chunkCountOf, type ChunkRange, type FileSummary, type RecordHandlers } from './evtx-file.js';
export { EvtxRecord } from './record.js';
export { RecordFields, type RawValueVisitor } from './fields.js';
export { EvtxFormatError, formatDamage, type Damage } from './errors.js';
export { stringifyJson, toPlain, type Json, type JsonObject } from './render-json.js';
export type { Value } from './values.js';
