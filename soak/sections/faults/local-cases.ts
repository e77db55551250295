// The local-mode cases of the faults section, each a repository of its own under one root: a check
// that prints a flood of output, an agent that prints nothing, an agent that prints broken
// stream-JSON and carries on, and one that prints nothing else. Each says how it must end.
import { mkdtempSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBareRepository, sampleProject, sampleScenario } from '@ampo/testkit';

export interface LocalCase {
  name: string;
  /** The repository, relative to the root. */
  repo: string;
  /** Extra fields of the task's creation (timeouts). */
  request?: Record<string, unknown>;
  expected: { status: 'succeeded'; attempts: string } | { status: 'failed'; code: string; reason: RegExp };
}

/** Stream-JSON gone wrong in every way a confused CLI might: cut off, unbalanced, not JSON, nested deep, one endless line. */
export const brokenStreamJson = (hugeLineBytes: number) => [
  '{"type":"assistant","message":{"content":[{"type":"text","text":"cut off mid-line',
  '{',
  '}{',
  '[1, 2',
  '{"type": "result", "subtype": "success", "is_error": fal',
  'null',
  '{"type":"assistant","message":"not an object"}',
  '\u0000\u0001\u0002 binary garbage \uFFFD\uFFFD',
  `${'{"a":'.repeat(50_000)}1${'}'.repeat(49_999)}`,
  { text: '{"x":', repeat: Math.max(1, Math.floor(hugeLineBytes / 5)) },
];

const checksWithNoise = (bytes: number) =>
  [
    'checks:',
    '  - name: test',
    // The flood comes first; the real failure (or pass) is at the end, where the kept tail is.
    `    command: yes ampo-soak-noise-line-of-a-check-that-prints-far-too-much-output-0123456789abcdef | head -c ${bytes}; node --test test/`,
    '  - name: lint',
    '    command: node scripts/lint.mjs src',
    '',
  ].join('\n');

/** The repositories under one root (`--repo-root`), and the cases that use them. */
export const createLocalCases = (settings: { bigOutputBytes: number; hugeLineBytes: number; agentTimeoutMs: number }) => {
  const root = mkdtempSync(join(tmpdir(), 'ampo-soak-faults-'));
  const repository = (name: string, files: Record<string, string>) => {
    const created = createBareRepository({ ...sampleProject, ...files });
    renameSync(created.root, join(root, name));
    return `${name}/app.git`;
  };
  const scenario = (steps: unknown[]) => ({ '.ampo/scripted-agent.json': `${JSON.stringify({ steps })}\n` });
  const [fix, first] = sampleScenario.steps;
  const cases: LocalCase[] = [
    {
      name: 'big-output',
      repo: repository('big-output', { ...scenario(sampleScenario.steps), '.ampo/checks.yml': checksWithNoise(settings.bigOutputBytes) }),
      expected: { status: 'succeeded', attempts: 'failure→success' },
    },
    {
      name: 'silent-agent',
      repo: repository('silent-agent', scenario([{ name: 'silent', end: 'hang' }])),
      request: { timeouts: { 'agent-running': settings.agentTimeoutMs } },
      expected: { status: 'failed', code: 'timeout', reason: /agent-running phase took longer than its timeout/ },
    },
    {
      name: 'invalid-json-then-carries-on',
      repo: repository('invalid-json', scenario([fix, { ...first, printRaw: brokenStreamJson(settings.hugeLineBytes) }])),
      expected: { status: 'succeeded', attempts: 'failure→success' },
    },
    {
      name: 'invalid-json-only',
      repo: repository(
        'invalid-json-only',
        scenario([{ name: 'garbage', printRaw: brokenStreamJson(settings.hugeLineBytes), end: 'exit' }]),
      ),
      expected: { status: 'failed', code: 'agent-error', reason: /without a result/ },
    },
  ];
  return { root, cases };
};
