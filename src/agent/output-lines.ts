import type { Readable } from 'node:stream';

/** Maximum length of a partial line kept while waiting for its newline; longer text is cut into lines. */
const MAX_LINE_LENGTH = 64 * 1024;

/**
 * Calls `onLine` with each line of `stream`, without the line break. Text is decoded as
 * UTF-8 by the stream, so a character split across chunks stays whole, and a partial line
 * waits for the next chunk. The last line is emitted when the stream ends even without a
 * newline.
 */
export function readLines(stream: Readable, onLine: (line: string) => void): void {
  let pending = '';

  stream.setEncoding('utf8');

  stream.on('data', (chunk: string) => {
    pending += chunk;

    let newline = pending.indexOf('\n');
    while (newline !== -1) {
      onLine(stripCarriageReturn(pending.slice(0, newline)));
      pending = pending.slice(newline + 1);
      newline = pending.indexOf('\n');
    }

    while (pending.length > MAX_LINE_LENGTH) {
      onLine(pending.slice(0, MAX_LINE_LENGTH));
      pending = pending.slice(MAX_LINE_LENGTH);
    }
  });

  stream.on('end', () => {
    if (pending.length > 0) {
      onLine(stripCarriageReturn(pending));
      pending = '';
    }
  });
}

function stripCarriageReturn(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}

/** The last `capacity` lines added, oldest first. */
export class RecentLines {
  private readonly lines: string[] = [];

  constructor(private readonly capacity: number) {}

  add(line: string): void {
    this.lines.push(line);
    if (this.lines.length > this.capacity) {
      this.lines.shift();
    }
  }

  toArray(): string[] {
    return [...this.lines];
  }
}
