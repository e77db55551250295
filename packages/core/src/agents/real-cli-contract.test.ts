/**
 * Contract: every argv the drivers build is accepted by the pinned real CLI's own parser.
 *
 * Each run: the real binary (devDependencies of @ampo/testkit), HOME a fresh temp dir, no API
 * key, stdin closed (or carrying the prompt), inside an empty network namespace (`unshare -n`:
 * not even loopback is up), so no packet can leave the machine whatever the CLI tries.
 *
 * Verdict, from the CLI's output:
 * - a usage error (unknown option, unexpected argument, unknown command) → the argv is wrong: fail;
 * - positive evidence that parsing finished and the CLI went on to work (Amp starts its login flow;
 *   Claude Code prints its `system/init` line or says the session is unknown; Codex prints
 *   `thread.started` or says the thread is unknown) → accepted: pass, and the run is killed;
 * - neither before the timeout → fail. A silent hang is not taken as acceptance: a CLI whose
 *   argv lost the prompt may sit waiting for input just as quietly as one waiting for a login.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { AgentDriver, AgentTurnRequest } from '../ports/agent-driver.js';
import { ampDriver } from './amp-driver.js';
import { claudeCodeDriver } from './claude-code-driver.js';
import { codexDriver } from './codex-driver.js';

// Accepted runs are killed as soon as the evidence shows (1–10 s on 2 busy cores); this only bounds a hang.
const timeoutMs = 30_000;
const testkitPackage = fileURLToPath(new URL('../../../testkit/package.json', import.meta.url));

const binaryOf = (name: string, bin: string): string | undefined => {
  try {
    const manifest = createRequire(testkitPackage).resolve(`${name}/package.json`);
    const path = join(dirname(manifest), (JSON.parse(readFileSync(manifest, 'utf8')) as { bin: Record<string, string> }).bin[bin] ?? '');
    return existsSync(path) ? path : undefined;
  } catch {
    return undefined;
  }
};

const canIsolate = spawnSync('unshare', ['-n', 'true']).status === 0;

interface Contract {
  name: string;
  binary: string | undefined;
  driver: (binary: string) => AgentDriver;
  followUpSession: string;
  accepted: RegExp;
  usageError: RegExp;
}

const contracts: Contract[] = [
  {
    name: 'Amp (@ampcode/cli 0.0.1790142911-g7618fb)',
    binary: binaryOf('@ampcode/cli', 'amp'),
    driver: (binary) => ampDriver({ binary }),
    followUpSession: 'T-7f3c2a10-1111-4222-8333-444455556666',
    accepted: /No API key found\. Starting login flow/,
    usageError: /unknown option|unknown command|too many arguments|missing required argument|Run 'amp --help'/i,
  },
  {
    name: 'Claude Code (@anthropic-ai/claude-code 2.1.197)',
    binary: binaryOf('@anthropic-ai/claude-code', 'claude'),
    driver: (binary) => claudeCodeDriver({ binary }),
    followUpSession: '3f1c2a10-1111-4222-8333-444455556666',
    accepted: /"type":"system","subtype":"init"|No conversation found with session ID/,
    usageError: /unknown option|too many arguments|error: option|missing required argument|Usage: claude/i,
  },
  {
    name: 'Codex (@openai/codex 0.169.0)',
    binary: binaryOf('@openai/codex', 'codex'),
    driver: (binary) => codexDriver({ binary }),
    followUpSession: '0199a213-81c0-7800-8aa1-bbab2a035a53',
    accepted: /"type":"thread\.started"|no rollout found for thread id/,
    usageError: /unexpected argument|unrecognized subcommand|invalid value|Usage: codex/i,
  },
];

interface Verdict {
  verdict: 'accepted' | 'usage-error' | 'timeout';
  output: string;
}

const run = (driver: AgentDriver, request: AgentTurnRequest, contract: Contract): Promise<Verdict> => {
  const invocation = driver.buildTurn(request);
  const home = mkdtempSync(join(tmpdir(), 'ampo-cli-contract-'));
  // Its own process group, so the kill reaches whatever the CLI started.
  const child: ChildProcess = spawn('unshare', ['-n', '--', ...invocation.argv], {
    cwd: request.cwd,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, ...invocation.env },
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: true,
  });
  child.stdin?.end(invocation.stdin ?? '');
  let output = '';
  return new Promise((resolve) => {
    let verdict: Verdict['verdict'] | undefined;
    const settle = (found: Verdict['verdict']) => {
      if (verdict) return;
      verdict = found;
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    };
    const timer = setTimeout(() => settle('timeout'), timeoutMs);
    const listen = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (contract.usageError.test(output)) settle('usage-error');
      else if (contract.accepted.test(output)) settle('accepted');
    };
    child.stdout?.on('data', listen);
    child.stderr?.on('data', listen);
    child.on('close', () => {
      clearTimeout(timer);
      if (!verdict) verdict = contract.usageError.test(output) ? 'usage-error' : contract.accepted.test(output) ? 'accepted' : 'timeout';
      rmSync(home, { recursive: true, force: true });
      resolve({ verdict, output: output.slice(0, 2000) });
    });
  });
};

describe.skipIf(!canIsolate)('real CLIs accept every argv the drivers build (no network: unshare -n)', () => {
  for (const contract of contracts) {
    describe.skipIf(contract.binary === undefined)(contract.name, () => {
      const binary = contract.binary ?? '';
      const cwd = mkdtempSync(join(tmpdir(), 'ampo-cli-contract-cwd-'));
      const cases: Array<[string, AgentDriver, AgentTurnRequest]> = [
        ['first turn', contract.driver(binary), { prompt: 'Add a "greet" function.\nThen run the tests; don\'t push.', cwd }],
        ['follow-up', contract.driver(binary), { prompt: 'CI failed:\n- test: expected 3', sessionId: contract.followUpSession, cwd }],
        ['first turn, a prompt that looks like an option', contract.driver(binary), { prompt: '--version', cwd }],
        [
          'follow-up, a prompt that looks like an option',
          contract.driver(binary),
          { prompt: '-h', sessionId: contract.followUpSession, cwd },
        ],
        ['first turn, prompt on stdin', contract.driver(binary), { prompt: 'x'.repeat(70 * 1024), cwd }],
        [
          'follow-up, prompt on stdin',
          contract.driver(binary),
          { prompt: 'y'.repeat(70 * 1024), sessionId: contract.followUpSession, cwd },
        ],
      ];
      it.concurrent.each(cases)(
        '%s',
        async (_name, driver, request) => {
          const result = await run(driver, request, contract);
          expect(result, result.output).toMatchObject({ verdict: 'accepted' });
        },
        timeoutMs + 10_000,
      );
    });
  }

  it(
    'tells a wrong flag apart (the check can fail)',
    async () => {
      const contract = contracts[0];
      if (!contract?.binary) return;
      const result = await run(
        ampDriver({ binary: contract.binary, extraArgs: ['--no-such-flag'] }),
        { prompt: 'x', cwd: tmpdir() },
        contract,
      );
      expect(result.verdict).toBe('usage-error');
    },
    timeoutMs + 10_000,
  );
});
