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

const readAll = async (source: AsyncIterable<Buffer>) => {
  const frames = [];
  for await (const each of readDockerFrames(source)) frames.push({ stream: each.stream, text: each.bytes.toString() });
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

  it('fails when the stream ends inside a frame', async () => {
    await expect(readAll(inPieces(stream.subarray(0, stream.length - 2), 5))).rejects.toThrow(/inside a frame/);
  });
});
