// Buffered writing to stdout or a file. Text is encoded straight into one reusable buffer and
// written with large sync writes: memory stays flat, order stays simple. A closed pipe
// (`sigscan dump … | head`) ends the output quietly.
import { closeSync, openSync, writeSync } from 'node:fs';

const BUFFER_SIZE = 1 << 20;

export class Output {
  private buf = Buffer.allocUnsafe(BUFFER_SIZE);
  private used = 0;
  private readonly fd: number;
  private readonly owned: boolean;
  /** Set when the reader went away (EPIPE): further output is dropped. */
  closed = false;

  constructor(path?: string) {
    this.owned = !!path && path !== '-';
    this.fd = this.owned ? openSync(path!, 'w') : 1;
  }

  write(s: string): void {
    if (this.closed) return;
    // UTF-8 needs at most 3 bytes per UTF-16 code unit.
    if (this.used + 3 * s.length > this.buf.length) {
      this.flush();
      if (3 * s.length > this.buf.length) {
        this.writeAll(Buffer.from(s, 'utf8'));
        return;
      }
    }
    this.used += this.buf.write(s, this.used, 'utf8');
  }

  flush(): void {
    if (this.used === 0) return;
    const n = this.used;
    this.used = 0;
    this.writeAll(this.buf.subarray(0, n));
  }

  private writeAll(data: Buffer): void {
    let off = 0;
    while (off < data.length && !this.closed) {
      try {
        off += writeSync(this.fd, data, off, data.length - off);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'EAGAIN') continue; // non-blocking pipe is full: try again
        if (code === 'EPIPE') {
          this.closed = true;
          return;
        }
        throw e;
      }
    }
  }

  close(): void {
    this.flush();
    if (this.owned) closeSync(this.fd);
  }
}
