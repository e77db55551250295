/** A piece of one frame of Docker's multiplexed attach stream (non-TTY). */
export interface DockerFrame {
  stream: 'stdout' | 'stderr';
  bytes: Buffer;
}

const headerLength = 8;

/**
 * Splits Docker's multiplexed stream (an 8-byte header: stream type, 3 zero bytes, big-endian
 * payload length) into the payload pieces of its frames, as they arrive: a frame that spans reads
 * comes out in pieces, each a view of the read (nothing is copied or gathered, so a large output
 * costs no more memory traffic than reading it). Pulls from `source` only as fast as the caller
 * asks, so a slow consumer leaves data in the socket rather than in memory.
 */
export async function* readDockerFrames(source: AsyncIterable<Buffer | string>): AsyncGenerator<DockerFrame> {
  const header = Buffer.alloc(headerLength);
  let headerFill = 0;
  let remaining = 0;
  let stream: DockerFrame['stream'] | undefined;
  for await (const piece of source) {
    const bytes = typeof piece === 'string' ? Buffer.from(piece) : piece;
    let at = 0;
    while (at < bytes.length) {
      if (remaining === 0) {
        const take = Math.min(headerLength - headerFill, bytes.length - at);
        bytes.copy(header, headerFill, at, at + take);
        headerFill += take;
        at += take;
        if (headerFill < headerLength) break;
        headerFill = 0;
        remaining = header.readUInt32BE(4);
        // Type 0 (stdin) never carries output; anything but stderr is the process's stdout.
        stream = header[0] === 0 ? undefined : header[0] === 2 ? 'stderr' : 'stdout';
        continue;
      }
      const take = Math.min(remaining, bytes.length - at);
      remaining -= take;
      if (stream) yield { stream, bytes: bytes.subarray(at, at + take) };
      at += take;
    }
  }
  if (headerFill > 0 || remaining > 0) {
    throw new Error(
      `The Docker stream ended inside a frame (${remaining > 0 ? `${remaining} payload` : `${headerFill} header`} bytes left).`,
    );
  }
}
