import { maxHeaderSize, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { problem } from './problem.js';

/** How long a refused connection may go on sending before it is cut. */
const drainMs = 2_000;

const answerFor = (error: NodeJS.ErrnoException) => {
  if (error.code === 'HPE_HEADER_OVERFLOW')
    return {
      ...problem('too-large', `The request line and headers are at most ${maxHeaderSize} bytes; send long values in a JSON body.`),
      status: 431,
      title: 'Request header fields too large',
    };
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') return { ...problem('timeout', 'The request did not arrive in time.'), status: 408 };
  return problem('invalid-input', 'The request is not valid HTTP/1.1 (its request line, a header or the chunked body is malformed).');
};

/**
 * What Node's HTTP parser refuses before any handler runs (a request line or headers over
 * `maxHeaderSize`, bytes that are not HTTP, a request that never finishes) is answered as
 * problem details like every other refusal, not with Node's bare status line. The rest of what the
 * client sends is read and dropped for a moment, so it gets the answer instead of a reset.
 */
export const answerClientErrors = (server: Server): void => {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    const answered = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent;
    if (error.code === 'ECONNRESET' || !socket.writable || answered) {
      socket.destroy();
      return;
    }
    const body = answerFor(error);
    const text = JSON.stringify(body);
    socket.end(
      `HTTP/1.1 ${body.status} ${body.title}\r\ncontent-type: application/problem+json\r\ncontent-length: ${Buffer.byteLength(text)}\r\nconnection: close\r\n\r\n${text}`,
    );
    socket.resume();
    setTimeout(() => socket.destroy(), drainMs).unref();
  });
};
