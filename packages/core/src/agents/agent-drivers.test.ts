import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AgentEvent } from '../domain/agent.js';
import { AgentKind } from '../domain/task.js';
import { fixture } from './__fixtures__/replay.js';
import { agentDrivers } from './agent-drivers.js';

const drivers = agentDrivers({ amp: { apiKey: 'sgamp_user_key_for_test_0001' } });

describe('agentDrivers', () => {
  it('has one driver per agent kind, each saying its kind', () => {
    expect(Object.keys(drivers).sort()).toEqual([...AgentKind.options].sort());
    for (const kind of AgentKind.options) expect(drivers[kind].kind).toBe(kind);
    expect(drivers.amp.buildTurn({ prompt: 'x', cwd: '/w' }).secretEnv).toEqual({ AMP_API_KEY: 'sgamp_user_key_for_test_0001' });
  });
});

// Lines that look like the CLIs' own: real fixture lines with fields dropped or replaced.
const recordedLines = ['amp-success-turn.jsonl', 'claude-success-turn.jsonl', 'codex-success-turn.jsonl', 'claude-no-network.jsonl']
  .flatMap((name) => fixture(name).split('\n'))
  .filter((line) => line.startsWith('{'))
  .map((line) => JSON.parse(line) as Record<string, unknown>);

const mangledLine = fc
  .tuple(
    fc.constantFrom(...recordedLines),
    fc.dictionary(
      fc.constantFrom('type', 'subtype', 'message', 'item', 'usage', 'is_error', 'session_id', 'content', 'result'),
      fc.jsonValue(),
    ),
  )
  .map(([line, replacements]) => JSON.stringify({ ...line, ...replacements }));

const anyCount = fc.oneof(fc.double(), fc.integer(), fc.constant(null), fc.string());
const usageLine = fc
  .tuple(
    fc.constantFrom('assistant', 'result', 'turn.completed', 'turn.failed'),
    fc.record({ input_tokens: anyCount, output_tokens: anyCount, cache_read_input_tokens: anyCount, cached_input_tokens: anyCount }),
    anyCount,
  )
  .map(([type, usage, cost]) =>
    JSON.stringify({ type, usage, total_cost_usd: cost, duration_ms: cost, message: { id: 'm', content: [], usage } }),
  );

describe('usage from a vendor', () => {
  it('keeps token counts whole and safe, whatever the line says', () => {
    const parser = drivers['claude-code'].createParser();
    const events = parser.parseLine(
      JSON.stringify({
        type: 'result',
        subtype: 'success',
        is_error: false,
        usage: { input_tokens: 10.7, output_tokens: 1e300, cache_read_input_tokens: -4 },
      }),
    );
    expect(events).toEqual([{ type: 'result', ok: true, usage: { inputTokens: 10 } }]);
    for (const event of events) expect(AgentEvent.safeParse(event).success).toBe(true);
  });
});

describe.each(AgentKind.options)('%s parser on arbitrary input', (kind) => {
  it('never throws, and every event it returns is a valid AgentEvent', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.string(),
            fc.jsonValue().map((value) => JSON.stringify(value)),
            mangledLine,
            usageLine,
          ),
          { maxLength: 30 },
        ),
        (lines) => {
          const parser = drivers[kind].createParser();
          for (const line of lines) {
            for (const event of parser.parseLine(line)) expect(AgentEvent.safeParse(event).success).toBe(true);
          }
          const end = parser.finalize({ exitCode: 0, stderrTail: '' });
          expect(['completed', 'failed', 'start-failed']).toContain(end.outcome);
          if (end.outcome !== 'completed') expect(end.reason).toBeTruthy();
        },
      ),
      { numRuns: 300 },
    );
  });
});
