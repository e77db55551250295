import { generateKeyPairSync } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createGitHubSimulator, type GitHubSimulator } from './github-simulator.js';
import { createRandomFaults } from './random-faults.js';

const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
let sim: GitHubSimulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

const draws = (seed: number, count: number) => {
  const faults = createRandomFaults({ rate: 0.2, seed });
  return Array.from({ length: count }, () => faults.draw('GET', '/repos/acme/app')?.status ?? 200);
};

describe('random faults', () => {
  it('fail about the share asked for, with every status, the same way for the same seed', () => {
    const first = draws(7, 5_000);
    expect(draws(7, 5_000)).toEqual(first);
    expect(draws(8, 5_000)).not.toEqual(first);
    const failed = first.filter((status) => status !== 200);
    expect(failed.length / first.length).toBeGreaterThan(0.17);
    expect(failed.length / first.length).toBeLessThan(0.23);
    expect(new Set(failed)).toEqual(new Set([500, 502, 503, 403, 429]));
  });

  it('rate limits carry retry-after and are never lost responses; only 5xx are', () => {
    const faults = createRandomFaults({ rate: 1, lostResponseRate: 1, retryAfter: 3, seed: 3 });
    for (let index = 0; index < 200; index++) {
      const fault = faults.draw('POST', '/repos/acme/app/pulls');
      if (fault?.status === 403 || fault?.status === 429) expect(fault).toEqual({ status: fault.status, retryAfter: 3 });
      else expect(fault).toMatchObject({ afterHandling: true });
    }
    expect(faults.counts.injected).toBe(200);
    expect(faults.counts.lostResponses).toBe(200 - (faults.counts.byStatus[403] ?? 0) - (faults.counts.byStatus[429] ?? 0));
  });

  it('spare what the caller says, and reject a rate outside 0..1', () => {
    const faults = createRandomFaults({ rate: 1, spare: (method) => method === 'GET' });
    expect(faults.draw('GET', '/repos/acme/app')).toBeUndefined();
    expect(faults.draw('POST', '/repos/acme/app/pulls')).toBeDefined();
    expect(faults.counts.considered).toBe(1);
    expect(() => createRandomFaults({ rate: 1.5 })).toThrow(/between 0 and 1/);
  });

  it('answer through the simulator as GitHub does, and drop that share of webhooks', async () => {
    const received: string[] = [];
    const receiver = createServer((request, response) => {
      received.push(String(request.headers['x-github-event']));
      request.resume();
      request.on('end', () => response.end());
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    try {
      sim = await createGitHubSimulator({
        publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
        webhookUrl: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/`,
      });
      const counts = sim.setRandomFaults({ rate: 0.5, webhookDropRate: 1, retryAfter: 2, seed: 11 });
      sim.createRepo('acme/widgets');
      await sim.flushWebhooks();
      // Every delivery of the initial push's CI was dropped.
      expect(received).toEqual([]);
      expect(counts?.webhooksDropped).toBe(3);
      const statuses: number[] = [];
      for (let index = 0; index < 60; index++) {
        const response = await fetch(`${sim.url}/repos/acme/widgets/installation`, { headers: { authorization: 'bearer not-a-jwt' } });
        const body = (await response.json()) as { message: string; documentation_url: string };
        statuses.push(response.status);
        if (response.status === 403 || response.status === 429) {
          expect(response.headers.get('retry-after')).toBe('2');
          expect(body.message).toMatch(/^You have exceeded a secondary rate limit/);
          expect(body.documentation_url).toMatch(/secondary-rate-limits$/);
        } else if (response.status >= 500) expect(body.message).toBe('Server Error');
        else expect(response.status).toBe(401);
      }
      expect(counts?.considered).toBe(60);
      expect(statuses.filter((status) => status !== 401).length).toBe(counts?.injected);
      expect(counts?.injected).toBeGreaterThan(15);
      sim.setRandomFaults(undefined);
      expect(sim.randomFaultCounts).toBeUndefined();
      expect((await fetch(`${sim.url}/repos/acme/widgets/installation`, { headers: { authorization: 'bearer x' } })).status).toBe(401);
    } finally {
      receiver.closeAllConnections();
      await new Promise((resolve) => receiver.close(resolve));
    }
  });
});
