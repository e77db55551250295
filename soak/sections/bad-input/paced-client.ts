// Raw HTTP requests (any method, path, header or body bytes) from several loopback source addresses,
// each paced below the server's per-client rate limit (50 per second, a burst of 200): the soak
// exercises the handlers, not the limiter. A 429 that still happens is counted, not a failure.
import { Agent, request } from 'node:http';

export interface RawRequest {
  method: string;
  /** Path and query, sent as they are (not normalised): `/api/tasks/%00?limit=x`. */
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

export interface RawResponse {
  status: number;
  contentType: string;
  body: string;
}

/** Below the server's 50 per second per client, so a long run never drains the burst. */
const perSecondPerAddress = 40;

export const createPacedClient = (origin: string, options: { addresses?: number; concurrency?: number } = {}) => {
  const { hostname, port } = new URL(origin);
  const addresses = Array.from({ length: options.addresses ?? 4 }, (_, index) => `127.0.0.${index + 2}`);
  const agents = addresses.map((localAddress) => new Agent({ keepAlive: true, maxSockets: 4, localAddress }));
  const nextSlot = addresses.map(() => 0);
  const concurrency = options.concurrency ?? 8;
  let inFlight = 0;
  let turn = 0;
  const waiting: Array<() => void> = [];

  const slot = async (): Promise<number> => {
    while (inFlight >= concurrency) await new Promise<void>((resolve) => waiting.push(resolve));
    inFlight += 1;
    const index = turn++ % addresses.length;
    const now = Date.now();
    const at = Math.max(now, nextSlot[index] ?? 0);
    nextSlot[index] = at + 1000 / perSecondPerAddress;
    if (at > now) await new Promise((resolve) => setTimeout(resolve, at - now));
    return index;
  };
  const release = () => {
    inFlight -= 1;
    waiting.shift()?.();
  };

  let retries = 0;
  const send = async (raw: RawRequest, timeoutMs = 30_000): Promise<RawResponse> => {
    try {
      return await attempt(raw, timeoutMs, false);
    } catch (error) {
      // A kept-alive connection the server closed just as it was reused: what Node's documentation
      // says a client should retry, once, on a fresh connection.
      if (!(error as { reusedSocket?: boolean }).reusedSocket) throw error;
      retries += 1;
      return attempt(raw, timeoutMs, true);
    }
  };

  const attempt = async (raw: RawRequest, timeoutMs: number, fresh: boolean): Promise<RawResponse> => {
    const index = await slot();
    try {
      return await new Promise<RawResponse>((resolve, reject) => {
        const body = raw.body === undefined ? undefined : Buffer.isBuffer(raw.body) ? raw.body : Buffer.from(raw.body);
        const outgoing = request(
          {
            host: hostname,
            port,
            method: raw.method,
            path: raw.path,
            ...(fresh ? { localAddress: addresses[index], agent: false } : { agent: agents[index] }),
            headers: { ...(body ? { 'content-length': String(body.length) } : {}), ...raw.headers },
            timeout: timeoutMs,
          },
          (incoming) => {
            const chunks: Buffer[] = [];
            incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
            incoming.on('end', () =>
              resolve({
                status: incoming.statusCode ?? 0,
                contentType: String(incoming.headers['content-type'] ?? ''),
                body: Buffer.concat(chunks).toString('utf8'),
              }),
            );
            incoming.on('error', reject);
          },
        );
        outgoing.on('timeout', () =>
          outgoing.destroy(new Error(`no answer to ${raw.method} ${raw.path.slice(0, 80)} within ${timeoutMs} ms`)),
        );
        outgoing.on('error', (error) =>
          reject(Object.assign(error, { reusedSocket: outgoing.reusedSocket && /ECONNRESET|EPIPE|socket hang up/.test(error.message) })),
        );
        // A server may answer before it has read the body (a 404, a 413) and close: the rest of the
        // upload then fails on a socket no request owns any more.
        outgoing.on('socket', (socket) => {
          if (socket.listenerCount('error') < 2) socket.on('error', () => undefined);
        });
        outgoing.end(body);
      });
    } finally {
      release();
    }
  };

  return {
    send,
    /** Requests sent again after a kept-alive connection was closed under them. */
    get retries() {
      return retries;
    },
    close() {
      for (const agent of agents) agent.destroy();
    },
  };
};

export type PacedClient = ReturnType<typeof createPacedClient>;
