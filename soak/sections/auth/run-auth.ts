// The "auth" part of the soak: every route that needs a credential (from the OpenAPI document, with
// /metrics and the live WebSocket) asked with every wrong one, then GitHub webhooks forged, replayed
// and sent by people who may not write. None gets through.
import { createBareRepository, prepareDocker, sampleProject } from '@ampo/testkit';
import type { SoakSection } from '../../section.js';
import { fetchOperations } from '../bad-input/openapi-operations.js';
import { createPacedClient } from '../bad-input/paced-client.js';
import { startServedBin } from '../bad-input/served-bin.js';
import { forgedCredentials } from './forged-tokens.js';
import { askEveryRoute, askLiveSocket, createAuthTally } from './route-matrix.js';
import { attackWebhooks } from './webhook-deliveries.js';

export const runAuth: SoakSection = async ({ progress }) => {
  const image = await prepareDocker();
  const repository = createBareRepository(sampleProject);
  const server = await startServedBin({ image, name: 'auth', args: ['--repo-root', repository.root, '--repo', 'app.git'] });
  const client = createPacedClient(server.url, { addresses: 4, concurrency: 4 });
  const tally = createAuthTally();
  try {
    const tokens = {
      'tasks:read': await server.token('tasks:read'),
      'tasks:write': await server.token('tasks:write'),
      admin: await server.token('admin'),
    };
    const operations = await fetchOperations(server.url);
    const credentials = await forgedCredentials(server.dataDir, tokens.admin);
    await askEveryRoute({ client, operations, credentials, tokens, repo: 'app.git', tally });
    progress(
      `routes: ${tally.attempts} requests over ${operations.filter((operation) => operation.secured).length} secured operations, ${tally.bypassed} got through`,
    );
    await askLiveSocket({ url: server.url, credentials, tokens, tally });
    const tasks = (await (await fetch(`${server.url}/api/tasks`, { headers: { authorization: `Bearer ${tokens.admin}` } })).json()) as {
      tasks: unknown[];
    };
    if (tasks.tasks.length > 0) {
      tally.bypassed += tasks.tasks.length;
      tally.examples.push(`${tasks.tasks.length} tasks exist on a server where no credential should have created one`);
    }
  } finally {
    client.close();
    await server.stop();
  }
  const webhooks = await attackWebhooks({ image, progress });
  for (const example of [...tally.examples, ...webhooks.examples]) progress(`finding: ${example}`);
  const figures = {
    'soak.tasks.total': 1,
    'soak.auth.bypassed': tally.bypassed + webhooks.accepted,
    'soak.auth.attempts': tally.attempts,
    'soak.auth.refused_without_reason': tally.refusedWithoutReason,
    'soak.auth.controls_failed': tally.controlsFailed + webhooks.controlsFailed,
    'soak.auth.webhook_attempts': webhooks.attempts,
    'soak.auth.webhooks_taken': webhooks.accepted,
  };
  const bad = (['soak.auth.refused_without_reason', 'soak.auth.controls_failed'] as const).filter((name) => figures[name] !== 0);
  if (bad.length > 0)
    throw new Error(`not zero: ${bad.map((name) => `${name}=${figures[name]}`).join(', ')}; figures ${JSON.stringify(figures)}`);
  return figures;
};
