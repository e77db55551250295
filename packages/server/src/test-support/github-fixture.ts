import { generateKeyPairSync } from 'node:crypto';
import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createGitHubApp, type GitHubApp } from '@ampo/adapter-github';
import { createGitHubSimulator, type GitHubSimulator } from '@ampo/testkit';

const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
const privateKeyPem = keys.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
const publicKeyPem = keys.publicKey.export({ type: 'spki', format: 'pem' }).toString();
export const webhookSecret = 'server-fixture-webhook-secret';

export interface RecordedDelivery {
  headers: Record<string, string>;
  body: string;
  status: number;
}

export interface GitHubFixture {
  sim: GitHubSimulator;
  app: GitHubApp;
  /** Every delivery the simulator sent, as it was sent, with the server's answer. */
  deliveries: RecordedDelivery[];
  /** Sends the simulator's webhooks to `url` (the server's `/api/webhooks/github`) through a recorder. */
  deliverTo(url: string): void;
  close(): Promise<void>;
}

/** GitHub as the simulator plays it, and the App that ampo uses against it. */
export const startGitHubFixture = async (): Promise<GitHubFixture> => {
  const sim = await createGitHubSimulator({ publicKey: publicKeyPem, webhookSecret });
  const app = createGitHubApp({
    appId: sim.appId,
    privateKey: privateKeyPem,
    baseUrl: sim.url,
    webhookSecret,
    octokit: { throttle: { retryAfterBaseValue: 1 }, retry: { retryAfterBaseValue: 1 } },
    polling: { initialDelayMs: 20, maxDelayMs: 200, noChecksGraceMs: 500 },
  });
  const deliveries: RecordedDelivery[] = [];
  let target = '';
  const recorder: Server = createHttpServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const headers: Record<string, string> = {};
    for (const name of ['content-type', 'x-github-event', 'x-github-delivery', 'x-hub-signature-256']) {
      const value = request.headers[name];
      if (typeof value === 'string') headers[name] = value;
    }
    const answer = await fetch(target, { method: 'POST', headers, body });
    await answer.arrayBuffer();
    deliveries.push({ headers, body, status: answer.status });
    response.writeHead(answer.status).end();
  });
  await new Promise<void>((resolve) => recorder.listen(0, '127.0.0.1', resolve));
  sim.setWebhookUrl(`http://127.0.0.1:${(recorder.address() as AddressInfo).port}/`);
  return {
    sim,
    app,
    deliveries,
    deliverTo(url) {
      target = url;
    },
    async close() {
      await sim.flushWebhooks();
      const closed = new Promise((resolve) => recorder.close(resolve));
      recorder.closeAllConnections();
      await closed;
      await sim.close();
    },
  };
};
