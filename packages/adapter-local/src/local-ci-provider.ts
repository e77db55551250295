import {
  AmpoError,
  type CheckStatus,
  type CiFailure,
  type CiProvider,
  type CiUpdate,
  type Clock,
  type ContainerRuntime,
  cleanLogText,
  digestCheckOutput,
  runCommand,
  type SourceHost,
  systemClock,
  tailBytes,
  type Workspace,
} from '@ampo/core';
import { Observable } from 'rxjs';
import { type CheckDefinition, parseChecksFile } from './checks-file.js';

export interface LocalCiSettings {
  /** Where check containers run. One fresh container per watched commit. */
  runtime: ContainerRuntime;
  /** Resolves the repository to clone (the same source the tasks push to). */
  source: Pick<SourceHost, 'cloneRemote'>;
  /** The checks file in the repository. @default '.ampo/checks.yml' */
  checksFile?: string;
  /** A check without its own timeout is killed after this long. @default 600000 (10 min) */
  defaultTimeoutMs?: number;
  /** Output kept per check for the digest. @default 262144 */
  maxOutputBytes?: number;
  /** @default the system clock */
  clock?: Clock;
}

/** Status of one check as it runs, with what the digest needs once it ended. */
interface CheckRun extends CheckStatus {
  output?: string;
  exitCode?: number | null;
}

const checkoutDirectory = '/workspace/checks';

const checkoutPrefix = new RegExp(`(file://)?${checkoutDirectory}/`, 'g');
/** The agent works in its own checkout: name files relative to the repository, not to ours. */
const relativeToRepository = (failure: CiFailure): CiFailure => ({
  ...failure,
  ...(failure.file ? { file: failure.file.replace(checkoutPrefix, '') } : {}),
  message: failure.message.replace(checkoutPrefix, ''),
  ...(failure.logExcerpt ? { logExcerpt: failure.logExcerpt.replace(checkoutPrefix, '') } : {}),
});

/** The files the checked-out commit changed since it left the base branch (the agent's work), or undefined. */
const filesChangedSince = async (workspace: Workspace, baseBranch: string): Promise<string[] | undefined> => {
  const diff = await runCommand(workspace, ['git', '-C', checkoutDirectory, 'diff', '--name-only', `origin/${baseBranch}...HEAD`, '--']);
  if (diff.code !== 0) return undefined;
  return diff.stdout.split('\n').filter((line) => line.trim() !== '');
};

/**
 * A {@link CiProvider} that is its own CI: for each pushed commit it starts a fresh container,
 * checks the commit out, and runs the repository's checks (from `.ampo/checks.yml`, or the task's
 * own) one after another. Each check's exit code, duration and output are kept; failures are
 * digested from the output of the tools the checks ran. A re-run (`target.rerun`) runs the named
 * checks again in a fresh container; a red result names the files changed since the base branch.
 */
export const createLocalCi = (settings: LocalCiSettings): CiProvider => {
  const clock = settings.clock ?? systemClock;
  const checksFile = settings.checksFile ?? '.ampo/checks.yml';
  const maxOutputBytes = settings.maxOutputBytes ?? 256 * 1024;

  return {
    watch: (target) =>
      new Observable<CiUpdate>((subscriber) => {
        let stopped = false;
        let workspace: Workspace | undefined;
        let cancelCurrent: (() => Promise<void>) | undefined;

        const runCheck = async (check: CheckDefinition): Promise<CheckRun> => {
          const started = clock.now();
          const execution = await (workspace as Workspace).exec(['sh', '-c', check.command], {
            cwd: checkoutDirectory,
            env: { CI: 'true' },
          });
          cancelCurrent = () => execution.cancel();
          let output = '';
          let timedOut = false;
          const cancelTimer = clock.setTimer((check.timeout ?? 0) * 1000 || settings.defaultTimeoutMs || 600_000, () => {
            timedOut = true;
            // A check container already going away has nothing left to cancel.
            void execution.cancel().catch(() => undefined);
          });
          await new Promise<void>((done) =>
            execution.output$.subscribe({
              next: (chunk) => {
                output = tailBytes(output + chunk.text, maxOutputBytes);
              },
              complete: done,
              error: () => done(),
            }),
          );
          const exit = await execution.exit;
          cancelTimer();
          cancelCurrent = undefined;
          const conclusion = timedOut ? 'timed_out' : exit.code === 0 ? 'success' : 'failure';
          return { name: check.name, state: 'completed', conclusion, durationMs: clock.now() - started, output, exitCode: exit.code };
        };

        const cleanUp = async () => {
          if (workspace) await settings.runtime.remove(workspace.id).catch(() => undefined);
        };
        const run = async () => {
          // Checks of this task that a crashed process left running are stale: remove them first.
          for (const stale of await settings.runtime.list({ 'ampo.task': target.taskId, 'ampo.role': 'checks' })) {
            await settings.runtime.remove(stale.id);
          }
          workspace = await settings.runtime.create({
            taskId: target.taskId,
            labels: { 'ampo.role': 'checks', 'ampo.sha': target.sha.slice(0, 40) },
          });
          const remote = await settings.source.cloneRemote(target.repo);
          const clone = await runCommand(workspace, ['git', 'clone', '--no-checkout', '--', remote.url, checkoutDirectory], {
            ...(remote.env ? { env: remote.env } : {}),
          });
          if (clone.code !== 0)
            throw new AmpoError('ci-error', `The checks could not clone ${target.repo}: ${tailBytes(clone.stderr.trim(), 500)}`);
          const checkout = await runCommand(workspace, ['git', '-C', checkoutDirectory, 'checkout', '--detach', target.sha]);
          if (checkout.code !== 0)
            throw new AmpoError('ci-error', `Commit ${target.sha} is not in ${target.repo}: ${tailBytes(checkout.stderr.trim(), 500)}`);
          let checks: readonly CheckDefinition[] | undefined = target.checks;
          if (!checks) {
            const file = await runCommand(workspace, ['cat', '--', `${checkoutDirectory}/${checksFile}`]);
            if (file.code !== 0) {
              throw new AmpoError(
                'invalid-input',
                `The repository has no ${checksFile}, and the task names no checks: ampo does not know what to run.`,
              );
            }
            checks = parseChecksFile(file.stdout, checksFile);
          }
          // A re-run runs only the checks that failed; the others keep the result they had.
          const rerun = target.rerun ? new Set(target.rerun.checks) : undefined;
          if (rerun && checks.some((check) => rerun.has(check.name))) checks = checks.filter((check) => rerun.has(check.name));
          const runs: CheckRun[] = checks.map((check) => ({ name: check.name, state: 'queued' }));
          const publish = () => subscriber.next({ type: 'status', checks: runs.map(({ output, exitCode, ...status }) => status) });
          publish();
          for (const [index, check] of checks.entries()) {
            if (stopped) return;
            runs[index] = { name: check.name, state: 'in_progress' };
            publish();
            runs[index] = await runCheck(check);
            publish();
          }
          const failures: CiFailure[] = runs.flatMap((run) => {
            if (run.conclusion === 'success') return [];
            if (run.conclusion === 'timed_out') {
              const excerpt = tailBytes(cleanLogText(run.output ?? '').trimEnd(), 1500);
              return [
                {
                  check: run.name,
                  kind: 'infra',
                  message: 'the check ran past its timeout and was killed',
                  ...(excerpt ? { logExcerpt: excerpt } : {}),
                },
              ];
            }
            return digestCheckOutput({ check: run.name, output: run.output ?? '', exitCode: run.exitCode ?? null }).map(
              relativeToRepository,
            );
          });
          const statuses = runs.map(({ output, exitCode, ...status }) => status);
          const conclusion = runs.some((run) => run.conclusion === 'failure')
            ? 'failure'
            : runs.some((run) => run.conclusion === 'timed_out')
              ? 'timed_out'
              : 'success';
          const changedFiles = conclusion === 'success' ? undefined : await filesChangedSince(workspace, target.baseBranch);
          subscriber.next({
            type: 'result',
            result: {
              sha: target.sha,
              conclusion,
              checks: statuses,
              failures,
              baseFailures: [],
              ...(changedFiles ? { changedFiles } : {}),
            },
          });
          // Complete only once the check container is gone, so nothing outlives the watch.
          await cleanUp();
          subscriber.complete();
        };

        run()
          .catch((error: unknown) => {
            if (!stopped) subscriber.error(AmpoError.from(error, 'ci-error'));
          })
          .finally(() => void cleanUp());
        return () => {
          stopped = true;
          void cancelCurrent?.().catch(() => undefined);
          void cleanUp();
        };
      }),
  };
};
