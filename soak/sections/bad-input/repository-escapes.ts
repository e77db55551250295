// Tasks whose repo aims outside the server's --repo-root: `../`, absolute paths, URLs, links that
// lead out, option-like names git would read as flags. Each must be a 4xx with a reason before git
// runs: no task, no container, and the file an injected command would create never appears.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { containersLabelled } from '@ampo/testkit';
import type { PacedClient } from './paced-client.js';
import { hasReason } from './response-tally.js';

export interface EscapeTally {
  attempts: number;
  /** A task was created, a container started, a marker file appeared, or the answer was not a 4xx with a reason. */
  escaped: number;
  serverErrors: number;
  examples: string[];
}

/** Repos that point out of `root`; `outside` is a real bare repository elsewhere, `marker` a file no command may create. */
export const escapingRepos = (root: string, outside: string, marker: string): string[] => {
  const touch = `touch ${marker}`;
  return [
    '../outside.git',
    relative(root, outside),
    `${'../'.repeat(12)}etc`,
    'app.git/../../outside.git',
    outside,
    '/etc',
    '/',
    `file://${outside}`,
    'file:///etc',
    'file:///etc/passwd',
    `ext::sh -c ${touch.replaceAll(' ', '% ')}`,
    `ssh://-oProxyCommand=${touch}/x`,
    'git@127.0.0.1:acme/app.git',
    'https://127.0.0.1:1/app.git',
    `--upload-pack=${touch}`,
    `-c core.sshCommand=${touch}`,
    `--config=core.sshCommand=${touch}`,
    ` --upload-pack=${touch}`,
    `-uhelp`,
    `app.git\n--upload-pack=${touch}`,
    'app.git\u0000/../outside.git',
    'link-out.git',
    'link-etc',
    // path.resolve drops the `..` before the link is followed; git would go through the link.
    'link-out.git/../outside.git',
    '%2e%2e/outside.git',
    '..\\outside.git',
  ];
};

/** A bare repository outside the root, and links inside the root that lead to it and to /etc. */
export const prepareEscapes = (root: string) => {
  const elsewhere = mkdtempSync(join(tmpdir(), 'ampo-soak-outside-'));
  const outside = join(elsewhere, 'outside.git');
  mkdirSync(outside);
  execFileSync('git', ['init', '--quiet', '--bare', outside]);
  // Also right beside the root, so `../outside.git` names a real repository.
  const sibling = join(root, '..', 'outside.git');
  if (!existsSync(sibling)) execFileSync('git', ['init', '--quiet', '--bare', sibling]);
  symlinkSync(outside, join(root, 'link-out.git'));
  symlinkSync('/etc', join(root, 'link-etc'));
  return { outside, marker: join(elsewhere, 'injected-command-ran') };
};

export const tryEscapes = async (options: {
  client: PacedClient;
  token: string;
  root: string;
  instanceId: string;
  tasksBefore: () => Promise<number>;
}): Promise<EscapeTally> => {
  const { outside, marker } = prepareEscapes(options.root);
  const tally: EscapeTally = { attempts: 0, escaped: 0, serverErrors: 0, examples: [] };
  const before = await options.tasksBefore();
  for (const repo of escapingRepos(options.root, outside, marker)) {
    tally.attempts += 1;
    const response = await options.client.send({
      method: 'POST',
      path: '/api/tasks',
      headers: { authorization: `Bearer ${options.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ repo, prompt: 'Escape the repository root' }),
    });
    if (response.status >= 500) tally.serverErrors += 1;
    if (response.status < 400 || response.status >= 500 || !hasReason(response)) {
      tally.escaped += 1;
      if (tally.examples.length < 20) tally.examples.push(`${JSON.stringify(repo)}: ${response.status} ${response.body.slice(0, 200)}`);
    }
  }
  const created = (await options.tasksBefore()) - before;
  const containers = containersLabelled(`ampo.instance=${options.instanceId}`).length;
  const markerExists = existsSync(marker) || existsSync(`/tmp/${marker.split('/').pop()}`);
  if (created > 0) tally.examples.push(`${created} tasks were created from escaping repos`);
  if (containers > 0) tally.examples.push(`${containers} containers were started for escaping repos`);
  if (markerExists) tally.examples.push(`the injected command ran: ${marker} exists`);
  tally.escaped += created + containers + (markerExists ? 1 : 0);
  return tally;
};
