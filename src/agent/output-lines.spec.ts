import { PassThrough } from 'node:stream';
import { readLines, RecentLines } from './output-lines';

async function linesOf(chunks: (string | Buffer)[]): Promise<string[]> {
  const stream = new PassThrough();
  const lines: string[] = [];
  readLines(stream, (line) => lines.push(line));

  for (const chunk of chunks) {
    stream.write(chunk);
  }
  stream.end();
  await new Promise((resolve) => stream.on('end', resolve));
  return lines;
}

describe('readLines', () => {
  it('joins partial chunks', async () => {
    expect(await linesOf(['lis', 'tening on 7001\nsec', 'ond\r\n'])).toEqual(['listening on 7001', 'second']);
  });

  it('emits the last line without newline', async () => {
    expect(await linesOf(['a\nb'])).toEqual(['a', 'b']);
  });

  it('keeps multi-byte characters split across chunks', async () => {
    const bytes = Buffer.from('héllo\n');
    expect(await linesOf([bytes.subarray(0, 2), bytes.subarray(2)])).toEqual(['héllo']);
  });
});

describe('RecentLines', () => {
  it('keeps the newest lines', () => {
    const recent = new RecentLines(2);
    ['a', 'b', 'c'].forEach((line) => recent.add(line));

    expect(recent.toArray()).toEqual(['b', 'c']);
  });
});
