// Buffered writing to stdout or a file. Large sync writes keep memory flat and ordering simple;
// a closed pipe (`sigscan dump … | head`) ends the program quietly.
import { closeSync, openSync, writeSync } from 'node:fs';

const FLUSH_AT = 1 << 20;

export class Output {
  private parts: string[] = [];
  private size = 0;
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
    this.parts.push(s);
    this.size += s.length;
    if (this.size >= FLUSH_AT) this.flush();
  }

  flush(): void {
    if (this.closed || this.parts.length === 0) return;
    const buf = Buffer.from(this.parts.join(''), 'utf8');
    this.parts = [];
    this.size = 0;
    let off = 0;
    while (off < buf.length) {
      try {
        off += writeSync(this.fd, buf, off, buf.length - off);
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
