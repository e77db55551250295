import { generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Clock } from '@ampo/core';
import { createGitHubSimulator, type GitHubSimulator, type GitHubSimulatorSettings } from '@ampo/testkit';
import { createGitHubApp, type GitHubApp, type GitHubAppSettings } from '../index.js';

// One real RSA key per test file: generating is slow-ish, and the App's key never changes.
const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
export const privateKeyPem = keys.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
export const publicKeyPem = keys.publicKey.export({ type: 'spki', format: 'pem' }).toString();

export interface AppFixture {
  sim: GitHubSimulator;
  app: GitHubApp;
  /** A second App instance on the same GitHub: a restarted process. */
  restart(): GitHubApp;
  close(): Promise<void>;
}

/** A simulator and an App pointed at it; with `webhooks`, deliveries reach `app.webhooks` over HTTP. */
export const startAppFixture = async (
  options: {
    clock?: Clock;
    sim?: Partial<GitHubSimulatorSettings>;
    app?: Partial<GitHubAppSettings>;
    webhooks?: boolean;
  } = {},
): Promise<AppFixture> => {
  const secret = 'fixture-webhook-secret';
  const sim = await createGitHubSimulator({ publicKey: publicKeyPem, webhookSecret: secret, ...(options.clock ? { clock: options.clock } : {}), ...options.sim });
  const make = () =>
    createGitHubApp({
      appId: sim.appId,
      privateKey: privateKeyPem,
      baseUrl: sim.url,
      ...(options.webhooks ? { webhookSecret: secret } : {}),
      ...(options.clock ? { clock: options.clock } : {}),
      // Retry-after seconds become milliseconds: tests keep GitHub's retry logic without its waits.
      octokit: { throttle: { retryAfterBaseValue: 1 }, retry: { retryAfterBaseValue: 1 } },
      polling: { initialDelayMs: 20, maxDelayMs: 200, noChecksGraceMs: 500, wakeDelayMs: 10 },
      ...options.app,
    });
  const app = make();
  let receiver: Server | undefined;
  if (options.webhooks) {
    receiver = createServer((request, response) => void app.webhooks.handle(request, response));
    await new Promise<void>((resolve) => receiver?.listen(0, '127.0.0.1', resolve));
    sim.setWebhookUrl(`http://127.0.0.1:${(receiver.address() as AddressInfo).port}/`);
  }
  return {
    sim,
    app,
    restart: make,
    async close() {
      if (receiver) {
        const closed = new Promise((resolve) => receiver?.close(resolve));
        receiver.closeAllConnections();
        await closed;
      }
      await sim.close();
    },
  };
};
