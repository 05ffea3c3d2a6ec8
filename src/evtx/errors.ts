// Errors and damage reports. A format error carries the offset it was found at; the file loop turns
// it into a Damage report (file, chunk, offset, reason) and goes on with the next record or chunk.

export class EvtxFormatError extends Error {
  constructor(
    readonly reason: string,
    /** Offset inside the chunk (or file, for file-level errors). */
    readonly offset: number,
  ) {
    super(reason);
    this.name = 'EvtxFormatError';
  }
}

export interface Damage {
  file: string;
  /** Chunk number, or -1 for the file header. */
  chunk: number;
  /** Absolute byte offset in the file. */
  offset: number;
  /** Record id when the damage is inside a record. */
  recordId?: number;
  reason: string;
  /** `warning`: reported, everything still read. `skipped`: something (a record or chunk) was lost. */
  severity: 'warning' | 'skipped';
}

export function formatDamage(d: Damage): string {
  const where = d.chunk < 0 ? 'file header' : `chunk ${d.chunk}`;
  const rec = d.recordId !== undefined ? `, record ${d.recordId}` : '';
  return `${d.file}: ${where}${rec} at offset 0x${d.offset.toString(16)}: ${d.reason}`;
}
