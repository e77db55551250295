import { lastValueFrom, type Observable, take, timeout, toArray } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { isGreen } from '../domain/ci.js';
import type { CiProvider, CiTarget, CiUpdate } from '../ports/ci-provider.js';

export interface CiProviderFixture {
  provider: CiProvider;
  /**
   * Makes a commit whose CI passes, fails, or is still running for as long as the case lasts
   * (`pending`; for a provider that runs checks itself, put them in `target.checks`, e.g.
   * `sleep 600`), and returns what to watch; for a failing commit also the check that fails and
   * a file its commit changed. A `flaky` commit's check fails on its first run and passes on the next.
   */
  commit(outcome: 'pass' | 'fail' | 'pending' | 'flaky'): Promise<{ target: CiTarget; failingCheck?: string; changedFile?: string }>;
  /** Lets the provider do whatever it would do next (advance a manual clock, or wait). @default waits 250 ms */
  settle?(): Promise<void>;
  /** A counter of the provider's work (requests made, containers started); must not move once unsubscribed. */
  activity?(): number;
  cleanup?(): Promise<void>;
}

export interface DescribeCiProviderOptions {
  /** Shown in the suite's title. */
  name: string;
  create: () => Promise<CiProviderFixture>;
  /** How long one watch may take before the case fails. @default 20_000 */
  timeoutMs?: number;
  /** Cases to skip, by exact name, each with the reason. */
  skip?: Readonly<Record<string, string>>;
}

/** The contract every {@link CiProvider} meets. */
export const describeCiProvider = (options: DescribeCiProviderOptions): void => {
  const limit = options.timeoutMs ?? 20_000;
  describe(`CiProvider conformance: ${options.name}`, () => {
    let fixture: CiProviderFixture | undefined;
    afterEach(async () => {
      await fixture?.cleanup?.();
      fixture = undefined;
    });
    const test = (name: string, body: () => Promise<void>) => {
      const reason = options.skip?.[name];
      if (reason) it.skip(`${name} (skipped: ${reason})`, body);
      else it(name, body, limit + 10_000);
    };
    const all = (updates: Observable<CiUpdate>) => lastValueFrom(updates.pipe(timeout(limit), toArray()));

    test('a passing commit yields exactly one green result, then completes', async () => {
      fixture = await options.create();
      const { target } = await fixture.commit('pass');
      const updates = await all(fixture.provider.watch(target));
      const results = updates.filter((update) => update.type === 'result');
      expect(results).toHaveLength(1);
      expect(updates.at(-1)?.type).toBe('result');
      const result = (results[0] as Extract<CiUpdate, { type: 'result' }>).result;
      expect(result.sha).toBe(target.sha);
      expect(isGreen(result.conclusion)).toBe(true);
      expect(result.failures).toEqual([]);
      expect(result.checks.every((check) => check.state === 'completed')).toBe(true);
    });

    test('a failing commit yields failures that name the check', async () => {
      fixture = await options.create();
      const { target, failingCheck } = await fixture.commit('fail');
      const updates = await all(fixture.provider.watch(target));
      const result = (updates.find((update) => update.type === 'result') as Extract<CiUpdate, { type: 'result' }>).result;
      expect(isGreen(result.conclusion)).toBe(false);
      expect(result.failures.length).toBeGreaterThan(0);
      if (failingCheck) expect(result.failures.map((failure) => failure.check)).toContain(failingCheck);
      expect(result.checks.find((check) => check.name === (failingCheck ?? result.failures[0]?.check))?.conclusion).not.toBe('success');
    });

    test('a red result names the files the commit changed', async () => {
      fixture = await options.create();
      const { target, changedFile } = await fixture.commit('fail');
      const result = (
        (await all(fixture.provider.watch(target))).find((update) => update.type === 'result') as Extract<CiUpdate, { type: 'result' }>
      ).result;
      expect(result.changedFiles).toBeDefined();
      if (changedFile) expect(result.changedFiles).toContain(changedFile);
    });

    test('runs a failed check again when asked, and reports its new result', async () => {
      fixture = await options.create();
      const { target, failingCheck } = await fixture.commit('flaky');
      const first = (await all(fixture.provider.watch(target))).find((update) => update.type === 'result') as Extract<
        CiUpdate,
        { type: 'result' }
      >;
      expect(isGreen(first.result.conclusion)).toBe(false);
      const checks = [failingCheck ?? first.result.failures[0]?.check ?? ''];
      const again = (await all(fixture.provider.watch({ ...target, rerun: { checks } }))).filter((update) => update.type === 'result');
      expect(again).toHaveLength(1);
      const result = (again[0] as Extract<CiUpdate, { type: 'result' }>).result;
      expect(result.sha).toBe(target.sha);
      expect(isGreen(result.conclusion)).toBe(true);
      expect(result.failures).toEqual([]);
    });

    test('watching the same commit again is safe and gives the same conclusion', async () => {
      fixture = await options.create();
      const { target } = await fixture.commit('fail');
      const first = (await all(fixture.provider.watch(target))).filter((update) => update.type === 'result');
      const second = (await all(fixture.provider.watch(target))).filter((update) => update.type === 'result');
      expect(second).toHaveLength(1);
      expect((second[0] as Extract<CiUpdate, { type: 'result' }>).result.conclusion).toBe(
        (first[0] as Extract<CiUpdate, { type: 'result' }>).result.conclusion,
      );
    });

    test('unsubscribing stops work', async () => {
      fixture = await options.create();
      const f = fixture;
      const { target } = await f.commit('pending');
      const seen: CiUpdate[] = [];
      const subscription = f.provider.watch(target).subscribe((update) => seen.push(update));
      // Let the watch get going (its first status), then walk away while CI is still running.
      const deadline = Date.now() + limit;
      while (seen.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(seen[0]?.type).toBe('status');
      subscription.unsubscribe();
      const settle = f.settle ?? (() => new Promise<void>((resolve) => setTimeout(resolve, 250)));
      await settle();
      const before = f.activity?.();
      const countBefore = seen.length;
      await settle();
      await settle();
      expect(seen.length).toBe(countBefore);
      expect(seen.some((update) => update.type === 'result')).toBe(false);
      if (before !== undefined) expect(f.activity?.()).toBe(before);
      // A new watch still works after an abandoned one.
      const { target: passing } = await f.commit('pass');
      const again = await lastValueFrom(f.provider.watch(passing).pipe(take(10), timeout(limit), toArray()));
      expect(again.some((update) => update.type === 'result')).toBe(true);
    });
  });
};
