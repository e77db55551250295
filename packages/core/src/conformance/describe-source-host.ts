import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { GitRemote, SourceHost } from '../ports/source-host.js';

/** A pull request as the host holds it, for the suite's assertions. */
export interface HostedPullRequest {
  number: number;
  head: string;
  base: string;
  title: string;
  body: string;
  open: boolean;
  comments: string[];
}

export interface SourceHostFixture {
  host: SourceHost;
  /** A repository the host serves whose `baseBranch` has at least one commit. */
  repo: string;
  baseBranch: string;
  /** What the host holds now for `repo` (read around the port, e.g. from the simulator or the disk). */
  pullRequests(): Promise<HostedPullRequest[]>;
  /**
   * Runs git with a remote's `env` on this machine. Override when remotes only resolve inside a
   * workspace. @default `git` through child_process with `env` added to this process's environment
   */
  git?(argv: string[], options: { cwd: string; env?: Record<string, string> }): Promise<string>;
  cleanup?(): Promise<void>;
}

export interface DescribeSourceHostOptions {
  /** Shown in the suite's title. */
  name: string;
  /** A fresh repository (and host) per case. */
  create: () => Promise<SourceHostFixture>;
  /** Cases to skip, by exact name, each with the reason. */
  skip?: Readonly<Record<string, string>>;
}

const runGit = (argv: string[], options: { cwd: string; env?: Record<string, string> }) =>
  new Promise<string>((resolve, reject) => {
    execFile(
      'git',
      argv,
      {
        cwd: options.cwd,
        env: {
          ...process.env,
          GIT_TERMINAL_PROMPT: '0',
          GIT_AUTHOR_NAME: 'ampo',
          GIT_AUTHOR_EMAIL: 'ampo@example.invalid',
          GIT_COMMITTER_NAME: 'ampo',
          GIT_COMMITTER_EMAIL: 'ampo@example.invalid',
          ...options.env,
        },
      },
      (error, stdout, stderr) => (error ? reject(new Error(`git ${argv[0]} failed: ${stderr}`)) : resolve(stdout.trim())),
    );
  });

/** The contract every {@link SourceHost} meets. */
export const describeSourceHost = (options: DescribeSourceHostOptions): void => {
  describe(`SourceHost conformance: ${options.name}`, () => {
    let fixture: SourceHostFixture | undefined;
    const dirs: string[] = [];
    afterEach(async () => {
      await fixture?.cleanup?.();
      fixture = undefined;
      await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
    });
    const test = (name: string, body: () => Promise<void>) => {
      const reason = options.skip?.[name];
      if (reason) it.skip(`${name} (skipped: ${reason})`, body);
      else it(name, body);
    };
    const start = async () => {
      fixture = await options.create();
      return fixture;
    };
    const git = (f: SourceHostFixture, argv: string[], cwd: string, remote?: GitRemote) =>
      (f.git ?? runGit)(argv, { cwd, ...(remote?.env ? { env: remote.env } : {}) });

    /** Clones through `cloneRemote`, commits, pushes `branch` through `pushRemote`; returns the pushed sha. */
    const pushBranch = async (f: SourceHostFixture, branch: string, file = 'change.txt') => {
      const dir = await mkdtemp(join(tmpdir(), 'ampo-source-host-'));
      dirs.push(dir);
      const clone = await f.host.cloneRemote(f.repo);
      await git(f, ['clone', '-q', '--branch', f.baseBranch, clone.url, 'work'], dir, clone);
      const work = join(dir, 'work');
      await git(f, ['checkout', '-q', '-b', branch], work);
      await writeFile(join(work, file), `${branch}\n`);
      await git(f, ['add', file], work);
      await git(f, ['commit', '-q', '-m', `Change on ${branch}`], work);
      const push = await f.host.pushRemote(f.repo, branch);
      await git(f, ['push', '-q', push.url, `HEAD:refs/heads/${branch}`], work, push);
      return git(f, ['rev-parse', 'HEAD'], work);
    };

    test('clone and push remotes resolve, with credentials only in env', async () => {
      const f = await start();
      const clone = await f.host.cloneRemote(f.repo);
      const push = await f.host.pushRemote(f.repo, 'ampo/conformance-push');
      for (const remote of [clone, push]) {
        expect(remote.url).not.toMatch(/\/\/[^/@]+@/);
        // Credentials (anything long enough to be one) never appear in the URL.
        for (const value of Object.values(remote.env ?? {})) if (value.length >= 12) expect(remote.url).not.toContain(value);
      }
      const sha = await pushBranch(f, 'ampo/conformance-push');
      const dir = await mkdtemp(join(tmpdir(), 'ampo-source-host-'));
      dirs.push(dir);
      const listed = await git(f, ['ls-remote', clone.url, 'refs/heads/ampo/conformance-push'], dir, await f.host.cloneRemote(f.repo));
      expect(listed.split(/\s+/)[0]).toBe(sha);
    });

    test('openPullRequest is idempotent for the same head', async () => {
      const f = await start();
      await pushBranch(f, 'ampo/task-1');
      const request = { repo: f.repo, taskId: 'task-1', base: f.baseBranch, head: 'ampo/task-1', title: 'First title', body: 'First body' };
      const first = await f.host.openPullRequest(request);
      const second = await f.host.openPullRequest({ ...request, title: 'Second title', body: 'Second body' });
      expect(second.number).toBe(first.number);
      expect(second.url).toBe(first.url);
      const held = (await f.pullRequests()).filter((pull) => pull.head === 'ampo/task-1' && pull.open);
      expect(held).toHaveLength(1);
      expect(held[0]?.title).toBe('Second title');
      expect(held[0]?.body).toContain('Second body');
    });

    test('updatePullRequest changes the body and title', async () => {
      const f = await start();
      await pushBranch(f, 'ampo/task-2');
      const opened = await f.host.openPullRequest({
        repo: f.repo,
        taskId: 'task-2',
        base: f.baseBranch,
        head: 'ampo/task-2',
        title: 'Title',
        body: 'Attempt 1: red',
      });
      await f.host.updatePullRequest({ repo: f.repo, number: opened.number, body: 'Attempt 1: red\nAttempt 2: green' });
      await f.host.updatePullRequest({ repo: f.repo, number: opened.number, title: 'Renamed' });
      const held = (await f.pullRequests()).find((pull) => pull.number === opened.number);
      expect(held?.body).toContain('Attempt 2: green');
      expect(held?.title).toBe('Renamed');
    });

    test('comment adds a comment to the pull request', async () => {
      const f = await start();
      await pushBranch(f, 'ampo/task-3');
      const opened = await f.host.openPullRequest({
        repo: f.repo,
        taskId: 'task-3',
        base: f.baseBranch,
        head: 'ampo/task-3',
        title: 'Title',
        body: 'Body',
      });
      await f.host.comment(f.repo, opened.number, 'CI is green after 2 attempts.');
      const held = (await f.pullRequests()).find((pull) => pull.number === opened.number);
      expect(held?.comments).toContain('CI is green after 2 attempts.');
    });
  });
};
