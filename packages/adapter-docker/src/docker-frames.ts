/** One frame of Docker's multiplexed attach stream (non-TTY). */
export interface DockerFrame {
  stream: 'stdout' | 'stderr';
  bytes: Buffer;
}

const headerLength = 8;

/**
 * Splits Docker's multiplexed stream (an 8-byte header: stream type, 3 zero bytes, big-endian
 * payload length) into frames. Pulls from `source` only as fast as the caller asks, so a slow
 * consumer leaves data in the socket rather than in memory.
 */
export async function* readDockerFrames(source: AsyncIterable<Buffer | string>): AsyncGenerator<DockerFrame> {
  let pending: Buffer = Buffer.alloc(0);
  for await (const piece of source) {
    const bytes = typeof piece === 'string' ? Buffer.from(piece) : piece;
    pending = pending.length === 0 ? bytes : Buffer.concat([pending, bytes]);
    while (pending.length >= headerLength) {
      const size = pending.readUInt32BE(4);
      if (pending.length < headerLength + size) break;
      const type = pending[0];
      const payload = pending.subarray(headerLength, headerLength + size);
      pending = pending.subarray(headerLength + size);
      // Type 0 (stdin) never carries output; anything but stderr is the process's stdout.
      if (payload.length > 0 && type !== 0) yield { stream: type === 2 ? 'stderr' : 'stdout', bytes: Buffer.from(payload) };
    }
  }
  if (pending.length > 0) throw new Error(`The Docker stream ended inside a frame (${pending.length} bytes left).`);
}
