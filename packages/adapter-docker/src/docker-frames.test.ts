import { describe, expect, it } from 'vitest';
import { readDockerFrames } from './docker-frames.js';

const frame = (type: number, text: string) => {
  const payload = Buffer.from(text);
  const header = Buffer.alloc(8);
  header[0] = type;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
};

async function* inPieces(bytes: Buffer, size: number) {
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}

/** The pieces, with those of one stream in a row joined: a frame may come out in several pieces. */
const readAll = async (source: AsyncIterable<Buffer>) => {
  const frames: Array<{ stream: string; text: string }> = [];
  for await (const each of readDockerFrames(source)) {
    const last = frames.at(-1);
    if (last?.stream === each.stream) last.text += each.bytes.toString();
    else frames.push({ stream: each.stream, text: each.bytes.toString() });
  }
  return frames;
};

describe('readDockerFrames', () => {
  const stream = Buffer.concat([frame(1, 'out one\n'), frame(2, 'err\n'), frame(1, ''), frame(1, 'out two\n')]);

  it('splits the multiplexed stream however the bytes arrive', async () => {
    for (const size of [1, 3, 8, 9, 1000]) {
      expect(await readAll(inPieces(stream, size))).toEqual([
        { stream: 'stdout', text: 'out one\n' },
        { stream: 'stderr', text: 'err\n' },
        { stream: 'stdout', text: 'out two\n' },
      ]);
    }
  });

  it('hands out views of what it read, without copying', async () => {
    const whole = Buffer.concat([frame(1, 'a'.repeat(70_000))]);
    const pieces: Buffer[] = [];
    for await (const each of readDockerFrames(inPieces(whole, 65_536))) pieces.push(each.bytes);
    expect(pieces.map((piece) => piece.length)).toEqual([65_528, 4_472]);
    expect(pieces[0]?.buffer).toBe(whole.buffer);
  });

  it('fails when the stream ends inside a frame', async () => {
    await expect(readAll(inPieces(stream.subarray(0, stream.length - 2), 5))).rejects.toThrow(/inside a frame/);
  });
});
