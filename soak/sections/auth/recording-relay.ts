// Stands between the GitHub simulator and the server: passes every delivery on and keeps a copy
// (headers and the exact body), so the soak can replay and alter real, signed deliveries.
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedDelivery {
  headers: IncomingHttpHeaders;
  body: string;
  status: number;
}

export const startRecordingRelay = async (target: () => string) => {
  const deliveries: RecordedDelivery[] = [];
  const server = createServer((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', async () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const headers = Object.fromEntries(
        Object.entries(incoming.headers).filter(([name]) => name.startsWith('x-') || name === 'content-type' || name === 'user-agent'),
      ) as Record<string, string>;
      const response = await fetch(target(), { method: 'POST', headers, body }).catch(() => undefined);
      const status = response?.status ?? 0;
      await response?.arrayBuffer();
      deliveries.push({ headers: incoming.headers, body, status });
      outgoing.writeHead(status || 502).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    deliveries,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
};
