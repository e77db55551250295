import { execFileSync } from 'node:child_process';
import { createHash, type KeyObject, randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { type Clock, systemClock } from '@ampo/core';
import { sign } from '@octokit/webhooks-methods';
import { verifyAppJwt } from './app-jwt.js';
import { serveGitHttpBackend } from './git-http-backend.js';
import { createResponseValidator, type DriftAllowList, officialExample, type ResponseViolation } from './openapi/response-validator.js';
import {
  appPayload,
  type Body,
  commentPayload,
  githubActionsAppId,
  type PullInfo,
  pullPayload,
  type RepoInfo,
  repositoryPayload,
  userPayload,
} from './payloads.js';
import { createRandomFaults, type RandomFaultSource, type RandomFaults } from './random-faults.js';
import { addFieldsExamplesLack, createWebhookValidator, overlay, type WebhookName, webhookExample } from './webhook-payloads.js';

export type Permission = 'read' | 'write' | 'admin';
export type SimulatedConclusion = 'success' | 'failure' | 'neutral' | 'cancelled' | 'skipped' | 'timed_out' | 'action_required' | 'stale';

/** One check the simulated CI publishes for a pushed commit. */
export interface SimulatedCheck {
  name: string;
  conclusion: SimulatedConclusion;
  /**
   * `actions`: a GitHub Actions job (a check run with a workflow run, steps and a job log);
   * `check`: a third-party check run; `status`: a legacy commit status.
   * @default 'actions'
   */
  kind?: 'actions' | 'check' | 'status';
  /** @default 'CI' */
  workflow?: string;
  /** Steps of an Actions job. @default one step named "Run checks" with the job's conclusion */
  steps?: Array<{ name: string; conclusion: SimulatedConclusion }>;
  /** The job log, lines without timestamps (added as GitHub adds them). */
  log?: string;
  annotations?: Array<{ path: string; line: number; level?: 'failure' | 'warning' | 'notice'; message: string; title?: string }>;
  summary?: string;
}

/** How a held check ends, given to `completeCi`. */
export interface CheckOutcome {
  conclusion: SimulatedConclusion;
  /** The job log, lines without timestamps. */
  log?: string;
}

export interface SimulatedPush {
  repo: string;
  branch: string;
  sha: string;
  before: string | undefined;
  /** The workflow run attempt: 1 for the push, 2 and up for `rerun-failed-jobs`. @default 1 */
  attempt?: number;
}

/**
 * The test's CI: decides, per push, what checks run and how they end. `hold` keeps them in
 * progress until `completeCi`. It is asked again, with `attempt` 2 and up, when the failed jobs of
 * a workflow run are re-run: then only the checks it names that were re-run take its new outcome
 * (a check it no longer names fails the same way again).
 */
export type CiScript = (push: SimulatedPush) => SimulatedCheck[] | { checks: SimulatedCheck[]; hold?: boolean } | undefined;

export interface Fault {
  method?: string;
  /** Matches the request path (without query). */
  path?: RegExp | string;
  /** 500, 502, 503, 403 (secondary rate limit), 429, or 401 (expired token). */
  status: number;
  /** Seconds, sent as `retry-after`. */
  retryAfter?: number;
  /** How many requests it hits. @default 1 */
  times?: number;
  /** Handle the request first, then answer with the fault (a lost response). @default false */
  afterHandling?: boolean;
  /** Wait before answering. @default 0 */
  delayMs?: number;
}

export interface GitHubSimulatorSettings {
  /** The App's public key (PEM or KeyObject): JWTs are verified with it. */
  publicKey: string | KeyObject;
  /** @default 4242 */
  appId?: number;
  /** Secret that webhooks are signed with. @default 'simulator-secret' */
  webhookSecret?: string;
  /** Where webhooks go (http://127.0.0.1:…). Can be set later with `setWebhookUrl`. */
  webhookUrl?: string;
  /** Time for JWT and token expiry. @default systemClock */
  clock?: Clock;
  /** Installation token lifetime. @default 3_600_000 */
  tokenTtlMs?: number;
  /** The test's CI. @default every push passes one Actions check named "test" */
  ci?: CiScript;
  /** Known schema drift to accept, by operation and JSON pointer. @default knownDrift */
  allowDrift?: DriftAllowList;
  /** Known drift of webhook payloads from `@octokit/webhooks-schemas`, by webhook and JSON pointer. @default knownWebhookDrift */
  allowWebhookDrift?: DriftAllowList;
}

export interface RequestCounts {
  /** REST requests received (git and log downloads not included). */
  total: number;
  /** Those that count against the primary rate limit (everything but 304s). */
  rateLimited: number;
  notModified: number;
  byOperation: Record<string, number>;
  git: number;
  logDownloads: number;
}

interface Installation {
  id: number;
  account: string;
  permissions: Record<string, Permission>;
}
interface Repo extends RepoInfo {
  dir: string;
  installationId: number | undefined;
  collaborators: Map<string, Permission | 'none'>;
}
interface CheckRun {
  id: number;
  repo: string;
  name: string;
  sha: string;
  branch: string;
  kind: 'actions' | 'check';
  appId: number;
  suiteId: number;
  runId?: number;
  /** The workflow run attempt this job belongs to. */
  attempt: number;
  status: 'queued' | 'in_progress' | 'completed';
  conclusion: SimulatedConclusion | null;
  final: SimulatedConclusion;
  steps: Array<{ name: string; conclusion: SimulatedConclusion }>;
  log: string;
  annotations: NonNullable<SimulatedCheck['annotations']>;
  summary: string;
  startedAt: string;
  completedAt: string | null;
}
interface Suite {
  id: number;
  repo: string;
  sha: string;
  branch: string;
  appId: number;
  before: string | undefined;
  createdAt: string;
}
interface WorkflowRun {
  id: number;
  repo: string;
  name: string;
  sha: string;
  branch: string;
  suiteId: number;
  createdAt: string;
  /** `run_attempt`: 1, then one more for each re-run. */
  attempt: number;
  /** `run_started_at`: reset by each re-run. */
  startedAt: string;
  before: string | undefined;
}
interface CommitStatus {
  id: number;
  repo: string;
  sha: string;
  context: string;
  state: 'pending' | 'success' | 'failure' | 'error';
  final: 'success' | 'failure' | 'error';
  description: string;
  createdAt: string;
}

const levels: Record<Permission, number> = { read: 1, write: 2, admin: 3 };
const defaultPermissions: Record<string, Permission> = {
  metadata: 'read',
  contents: 'write',
  pull_requests: 'write',
  issues: 'write',
  checks: 'read',
  statuses: 'read',
  actions: 'read',
};

type Handler = (context: RequestContext) => Promise<Reply> | Reply;
interface Route {
  operation: string;
  method: string;
  pattern: RegExp;
  names: string[];
  /** The installation permission it needs; `jwt` for App-authenticated routes. */
  needs: 'jwt' | [string, Permission] | [string, Permission][];
  handler: Handler;
}
interface RequestContext {
  params: Record<string, string>;
  query: URLSearchParams;
  body: Body | undefined;
  repo: Repo | undefined;
  installationId: number | undefined;
  origin: string;
}
interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Paginate this array, with `wrap` building the page body. */
  page?: { items: unknown[]; wrap?: (items: unknown[], total: number) => unknown };
}

const errorBody = (message: string, status: number) => ({
  message,
  documentation_url: 'https://docs.github.com/rest',
  status: String(status),
});

const git = (args: string[], cwd: string, env: Record<string, string> = {}) =>
  execFileSync('git', args, {
    cwd,
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: cwd,
      GIT_AUTHOR_NAME: 'Simulator',
      GIT_AUTHOR_EMAIL: 'sim@example.invalid',
      GIT_COMMITTER_NAME: 'Simulator',
      GIT_COMMITTER_EMAIL: 'sim@example.invalid',
      ...env,
    },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  }).trim();

/** Adds GitHub's per-line timestamps to a job log. */
const timestampLog = (log: string, startMs: number): string =>
  log
    .split('\n')
    .map((line, index) => `${new Date(startMs + index * 37).toISOString().replace('Z', '0000Z')} ${line}`)
    .join('\n');

export type GitHubSimulator = Awaited<ReturnType<typeof createGitHubSimulator>>;

/**
 * A GitHub for tests, on 127.0.0.1: the REST endpoints the adapter uses (every response body
 * validated against GitHub's OpenAPI description), git smart HTTP through `git http-backend`,
 * App JWTs and installation tokens, scriptable CI, signed webhooks and fault injection.
 */
export const createGitHubSimulator = async (settings: GitHubSimulatorSettings) => {
  const appId = settings.appId ?? 4242;
  const clock = settings.clock ?? systemClock;
  const tokenTtlMs = settings.tokenTtlMs ?? 3_600_000;
  const webhookSecret = settings.webhookSecret ?? 'simulator-secret';
  let webhookUrl = settings.webhookUrl;
  let ciScript: CiScript = settings.ci ?? (() => [{ name: 'test', conclusion: 'success' }]);
  const validate = createResponseValidator(settings.allowDrift);
  const validateWebhook = createWebhookValidator(settings.allowWebhookDrift);
  const root = mkdtempSync(join(tmpdir(), 'ampo-github-sim-'));
  const reposDir = join(root, 'repos');
  mkdirSync(reposDir);

  let nextId = 1000;
  const id = () => nextId++;
  const iso = (ms = clock.now()) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');

  const installations = new Map<number, Installation>();
  const repos = new Map<string, Repo>();
  const tokens = new Map<
    string,
    { installationId: number; expiresAt: number; repositories?: string[]; permissions: Record<string, Permission> }
  >();
  const pulls = new Map<string, PullInfo[]>();
  const comments: Array<{ id: number; repo: string; issue: number; body: string; user: string; at: string }> = [];
  const checkRuns: CheckRun[] = [];
  const suites: Suite[] = [];
  const workflowRuns: WorkflowRun[] = [];
  const statuses: CommitStatus[] = [];
  const heldShas = new Set<string>();
  const faults: Array<Fault & { remaining: number }> = [];
  let randomFaults: RandomFaultSource | undefined;
  const logLinks = new Map<string, { jobId: number; expiresAt: number }>();
  const violations: ResponseViolation[] = [];
  const deliveries: Array<{ event: string; action?: string; status: number }> = [];
  const pendingDeliveries = new Set<Promise<void>>();
  const counts: RequestCounts = { total: 0, rateLimited: 0, notModified: 0, byOperation: {}, git: 0, logDownloads: 0 };
  let origin = '';
  let logOrigin = '';

  const repoInfo = (repo: Repo): RepoInfo => ({ ...repo, apiUrl: origin, webUrl: origin });
  const branchSha = (repo: Repo, branch: string): string | undefined => {
    try {
      return git(['rev-parse', '--verify', '--quiet', `refs/heads/${branch}`], repo.dir);
    } catch {
      return undefined;
    }
  };
  const branchHeads = (repo: Repo): Map<string, string> => {
    const out = git(['for-each-ref', '--format=%(refname:strip=2) %(objectname)', 'refs/heads'], repo.dir);
    return new Map(out ? out.split('\n').map((line) => line.split(' ') as [string, string]) : []);
  };

  // ---- CI --------------------------------------------------------------------------------------

  /** The latest check run of each name: what GitHub shows once jobs were re-run. */
  const latestByName = (runs: readonly CheckRun[]): CheckRun[] => {
    const latest = new Map<string, CheckRun>();
    for (const run of runs) if ((latest.get(run.name)?.id ?? 0) < run.id) latest.set(run.name, run);
    return [...latest.values()];
  };

  const completeRun = (run: CheckRun) => {
    run.status = 'completed';
    run.conclusion = run.final;
    run.completedAt = iso();
  };

  const publishCompletion = (repo: Repo, sha: string) => {
    for (const run of checkRuns.filter((candidate) => candidate.repo === repo.owner + '/' + repo.name && candidate.sha === sha)) {
      void deliver('check_run.completed', { check_run: checkRunPayload(run) }, repo);
    }
    for (const suite of suites.filter((candidate) => candidate.repo === `${repo.owner}/${repo.name}` && candidate.sha === sha)) {
      void deliver('check_suite.completed', { check_suite: suitePayload(suite) }, repo);
    }
    for (const run of workflowRuns.filter((candidate) => candidate.repo === `${repo.owner}/${repo.name}` && candidate.sha === sha)) {
      void deliver('workflow_run.completed', { workflow_run: workflowRunPayload(run) }, repo);
    }
  };

  const runCi = (push: SimulatedPush) => {
    const repo = repos.get(push.repo);
    if (!repo) return;
    const scripted = ciScript(push);
    if (!scripted) return;
    const { checks, hold } = Array.isArray(scripted) ? { checks: scripted, hold: false } : scripted;
    const startedAt = iso();
    const suiteFor = new Map<number, Suite>();
    const suite = (appIdOfSuite: number) => {
      let found = suiteFor.get(appIdOfSuite);
      if (!found) {
        found = {
          id: id(),
          repo: push.repo,
          sha: push.sha,
          branch: push.branch,
          appId: appIdOfSuite,
          before: push.before,
          createdAt: startedAt,
        };
        suiteFor.set(appIdOfSuite, found);
        suites.push(found);
      }
      return found;
    };
    const workflows = new Map<string, WorkflowRun>();
    for (const check of checks) {
      const kind = check.kind ?? 'actions';
      if (kind === 'status') {
        const final = check.conclusion === 'success' ? 'success' : check.conclusion === 'failure' ? 'failure' : 'error';
        statuses.push({
          id: id(),
          repo: push.repo,
          sha: push.sha,
          context: check.name,
          state: hold ? 'pending' : final,
          final,
          description: check.summary ?? `${check.name}: ${final}`,
          createdAt: startedAt,
        });
        continue;
      }
      const owner = suite(kind === 'actions' ? githubActionsAppId : 777);
      let runId: number | undefined;
      if (kind === 'actions') {
        const name = check.workflow ?? 'CI';
        let workflowRun = workflows.get(name);
        if (!workflowRun) {
          workflowRun = {
            id: id(),
            repo: push.repo,
            name,
            sha: push.sha,
            branch: push.branch,
            suiteId: owner.id,
            createdAt: startedAt,
            attempt: 1,
            startedAt,
            before: push.before,
          };
          workflows.set(name, workflowRun);
          workflowRuns.push(workflowRun);
        }
        runId = workflowRun.id;
      }
      const run: CheckRun = {
        id: id(),
        repo: push.repo,
        name: check.name,
        sha: push.sha,
        branch: push.branch,
        kind,
        appId: owner.appId,
        suiteId: owner.id,
        ...(runId === undefined ? {} : { runId }),
        attempt: 1,
        status: 'in_progress',
        conclusion: null,
        final: check.conclusion,
        steps: check.steps ?? [
          { name: 'Set up job', conclusion: 'success' },
          { name: 'Run checks', conclusion: check.conclusion },
        ],
        log: timestampLog(
          check.log ?? `##[group]Run ${check.name}\n${check.name} finished: ${check.conclusion}\n##[endgroup]`,
          clock.now(),
        ),
        annotations: check.annotations ?? [],
        summary: check.summary ?? '',
        startedAt,
        completedAt: null,
      };
      checkRuns.push(run);
    }
    if (hold) heldShas.add(`${push.repo}@${push.sha}`);
    else completeCi(push.repo, push.sha);
  };

  /**
   * Completes every held check of `sha` and sends the completion webhooks. `outcomes` (by check
   * name) replaces how a held check ends, for tests that learn it only later (e.g. from checks
   * they really ran).
   */
  const completeCi = (repoName: string, sha: string, outcomes: Record<string, CheckOutcome> = {}) => {
    const repo = repos.get(repoName);
    if (!repo) throw new Error(`no repo ${repoName}`);
    heldShas.delete(`${repoName}@${sha}`);
    for (const run of checkRuns) {
      if (run.repo !== repoName || run.sha !== sha || run.status === 'completed') continue;
      const outcome = outcomes[run.name];
      if (outcome) {
        run.final = outcome.conclusion;
        run.steps = run.steps.map((step, index) => (index === run.steps.length - 1 ? { ...step, conclusion: outcome.conclusion } : step));
        if (outcome.log !== undefined) run.log = timestampLog(outcome.log, clock.now());
      }
      completeRun(run);
    }
    for (const status of statuses) if (status.repo === repoName && status.sha === sha) status.state = status.final;
    publishCompletion(repo, sha);
  };

  const handlePush = (push: SimulatedPush) => runCi(push);

  // ---- payloads ------------------------------------------------------------------------------

  const repoOf = (name: string) => repos.get(name) as Repo;
  const suiteConclusion = (runs: CheckRun[]): string | null => {
    if (runs.some((run) => run.status !== 'completed')) return null;
    const order = ['action_required', 'cancelled', 'timed_out', 'failure', 'stale', 'neutral', 'skipped', 'success'];
    for (const conclusion of order) if (runs.some((run) => run.conclusion === conclusion)) return conclusion;
    return 'success';
  };
  const checkRunPayload = (run: CheckRun) => {
    const repo = repoOf(run.repo);
    const url = `${origin}/repos/${run.repo}/check-runs/${run.id}`;
    return {
      ...officialExample<Body>('GET /repos/{owner}/{repo}/commits/{ref}/check-runs').check_runs[0],
      id: run.id,
      node_id: `CR_${run.id}`,
      head_sha: run.sha,
      external_id: String(run.id),
      url,
      html_url: `${origin}/${run.repo}/runs/${run.id}`,
      details_url: `${origin}/${run.repo}/runs/${run.id}`,
      status: run.status,
      conclusion: run.conclusion,
      started_at: run.startedAt,
      completed_at: run.completedAt,
      name: run.name,
      output: {
        title: run.conclusion ? `${run.name}: ${run.conclusion}` : null,
        summary: run.summary || null,
        text: null,
        annotations_count: run.annotations.length,
        annotations_url: `${url}/annotations`,
      },
      check_suite: { id: run.suiteId },
      app: appPayload(run.appId, origin, origin),
      pull_requests: [],
      ...(repo ? {} : {}),
    };
  };
  const suitePayload = (suite: Suite) => {
    const runs = latestByName(checkRuns.filter((run) => run.suiteId === suite.id));
    const conclusion = suiteConclusion(runs);
    const repo = repoOf(suite.repo);
    return {
      ...officialExample<Body>('GET /repos/{owner}/{repo}/commits/{ref}/check-suites').check_suites[0],
      id: suite.id,
      node_id: `CS_${suite.id}`,
      head_branch: suite.branch,
      head_sha: suite.sha,
      status: conclusion === null ? 'in_progress' : 'completed',
      conclusion,
      url: `${origin}/repos/${suite.repo}/check-suites/${suite.id}`,
      before: suite.before ?? '0000000000000000000000000000000000000000',
      after: suite.sha,
      pull_requests: [],
      app: appPayload(suite.appId, origin, origin),
      repository: minimalRepositoryPayload(repo),
      created_at: suite.createdAt,
      updated_at: iso(),
      head_commit: headCommit(suite.sha),
      latest_check_runs_count: runs.length,
      check_runs_url: `${origin}/repos/${suite.repo}/check-suites/${suite.id}/check-runs`,
    };
  };
  const headCommit = (sha: string) => ({
    id: sha,
    tree_id: sha,
    message: 'commit',
    timestamp: iso(),
    author: { name: 'Simulator', email: 'sim@example.invalid' },
    committer: { name: 'Simulator', email: 'sim@example.invalid' },
  });
  const minimalRepositoryPayload = (repo: Repo) => {
    const full = repositoryPayload(repoInfo(repo));
    const example = officialExample<Body>('GET /repos/{owner}/{repo}/commits/{ref}/check-suites').check_suites[0].repository;
    return Object.fromEntries(
      Object.keys(example)
        .filter((key) => key in full)
        .map((key) => [key, full[key]]),
    );
  };
  const workflowRunPayload = (run: WorkflowRun) => {
    const repo = repoOf(run.repo);
    const jobs = latestByName(checkRuns.filter((check) => check.runId === run.id));
    const conclusion = suiteConclusion(jobs);
    const url = `${origin}/repos/${run.repo}/actions/runs/${run.id}`;
    const repository = minimalRepositoryPayload(repo);
    return {
      ...officialExample<Body>('GET /repos/{owner}/{repo}/actions/runs').workflow_runs[0],
      id: run.id,
      name: run.name,
      node_id: `WFR_${run.id}`,
      check_suite_id: run.suiteId,
      check_suite_node_id: `CS_${run.suiteId}`,
      head_branch: run.branch,
      head_sha: run.sha,
      path: `.github/workflows/${run.name.toLowerCase()}.yml`,
      run_number: run.id,
      event: 'push',
      display_title: run.name,
      status: conclusion === null ? 'in_progress' : 'completed',
      conclusion,
      url,
      html_url: `${origin}/${run.repo}/actions/runs/${run.id}`,
      pull_requests: [],
      created_at: run.createdAt,
      updated_at: iso(),
      run_attempt: run.attempt,
      run_started_at: run.startedAt,
      previous_attempt_url: run.attempt > 1 ? `${url}/attempts/${run.attempt - 1}` : null,
      jobs_url: `${url}/jobs`,
      logs_url: `${url}/logs`,
      check_suite_url: `${origin}/repos/${run.repo}/check-suites/${run.suiteId}`,
      artifacts_url: `${url}/artifacts`,
      cancel_url: `${url}/cancel`,
      rerun_url: `${url}/rerun`,
      head_commit: headCommit(run.sha),
      repository,
      head_repository: repository,
    };
  };
  const jobPayload = (run: CheckRun) => ({
    ...officialExample<Body>('GET /repos/{owner}/{repo}/actions/runs/{run_id}/jobs').jobs[0],
    id: run.id,
    run_id: run.runId,
    run_url: `${origin}/repos/${run.repo}/actions/runs/${run.runId}`,
    node_id: `J_${run.id}`,
    head_sha: run.sha,
    head_branch: run.branch,
    url: `${origin}/repos/${run.repo}/actions/jobs/${run.id}`,
    html_url: `${origin}/${run.repo}/actions/runs/${run.runId}/job/${run.id}`,
    status: run.status,
    conclusion: run.conclusion,
    // GitHub's own example lacks created_at, which the schema requires.
    created_at: run.startedAt,
    started_at: run.startedAt,
    completed_at: run.completedAt,
    name: run.name,
    workflow_name: workflowRuns.find((workflow) => workflow.id === run.runId)?.name ?? 'CI',
    steps: run.steps.map((step, index) => ({
      name: step.name,
      status: run.status === 'completed' ? 'completed' : 'in_progress',
      conclusion: run.status === 'completed' ? step.conclusion : null,
      number: index + 1,
      started_at: run.startedAt,
      completed_at: run.completedAt,
    })),
    check_run_url: `${origin}/repos/${run.repo}/check-runs/${run.id}`,
    labels: ['ubuntu-latest'],
    runner_id: 1,
    runner_name: 'simulated',
    runner_group_id: 1,
    runner_group_name: 'default',
  });

  // ---- webhooks ------------------------------------------------------------------------------

  const deliver = (name: WebhookName, fields: Record<string, unknown>, repo: Repo, sender = 'simulator'): Promise<void> => {
    if (!webhookUrl) return Promise.resolve();
    if (randomFaults?.dropWebhook()) return Promise.resolve();
    const url = webhookUrl;
    const [event, action] = name.split('.') as [string, string];
    // GitHub's recorded delivery, with the simulator's objects laid over its top-level fields.
    const values = {
      ...fields,
      repository: repositoryPayload(repoInfo(repo)),
      installation: { id: repo.installationId ?? 0, node_id: `I_${repo.installationId ?? 0}` },
      sender: userPayload(sender, 7000 + sender.length, origin, origin),
    };
    const payload = overlay(webhookExample(name), values) as Record<string, unknown>;
    delete payload.organization;
    delete payload.enterprise;
    addFieldsExamplesLack(name, payload, values);
    // The recorded comment is on an issue; ours are on pull requests, which GitHub marks so.
    const issue = (fields as { issue?: Record<string, unknown> }).issue;
    if (issue?.pull_request) (payload.issue as Record<string, unknown>).pull_request = issue.pull_request;
    const violation = validateWebhook(name, payload);
    if (violation) {
      violations.push(violation);
      process.stderr.write(
        `github simulator: ${name} payload does not match @octokit/webhooks-schemas: ${violation.errors.slice(0, 40).join('; ')}\n`,
      );
    }
    const body = JSON.stringify(payload);
    const promise = (async () => {
      const signature = await sign(webhookSecret, body);
      let status = 0;
      try {
        const response = await fetch(url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'user-agent': 'GitHub-Hookshot/simulator',
            'x-github-event': event,
            'x-github-delivery': randomUUID(),
            'x-github-hook-id': '1',
            'x-github-hook-installation-target-type': 'integration',
            'x-github-hook-installation-target-id': String(appId),
            'x-hub-signature-256': signature,
          },
          body,
        });
        status = response.status;
        await response.arrayBuffer();
      } catch {
        status = 0;
      }
      deliveries.push({ event, action, status });
    })();
    pendingDeliveries.add(promise);
    void promise.finally(() => pendingDeliveries.delete(promise));
    return promise;
  };

  // ---- routes --------------------------------------------------------------------------------

  const routes: Route[] = [];
  const route = (operation: string, needs: Route['needs'], handler: Handler) => {
    const [method, template] = operation.split(' ') as [string, string];
    const names: string[] = [];
    const pattern = new RegExp(
      `^${template.replace(/\{(\w+)\}/g, (_, name: string) => {
        names.push(name);
        return name === 'ref' ? '(.+?)' : '([^/]+)';
      })}$`,
    );
    routes.push({ operation, method, pattern, names, needs, handler });
  };
  const notFound = (): Reply => ({ status: 404, body: errorBody('Not Found', 404) });
  const requireRepo = (context: RequestContext): Repo => context.repo as Repo;
  const pullsOf = (repo: Repo) => {
    const key = `${repo.owner}/${repo.name}`;
    let list = pulls.get(key);
    if (!list) {
      list = [];
      pulls.set(key, list);
    }
    return list;
  };
  const shaOf = (repo: Repo, ref: string): string =>
    /^[0-9a-f]{40}$/.test(ref) ? ref : (branchSha(repo, ref.replace(/^heads\//, '')) ?? ref);

  route('GET /repos/{owner}/{repo}/installation', 'jwt', ({ repo }) => {
    if (!repo || repo.installationId === undefined) return notFound();
    const installation = installations.get(repo.installationId) as Installation;
    return {
      status: 200,
      body: {
        ...officialExample<Record<string, unknown>>('GET /repos/{owner}/{repo}/installation'),
        id: installation.id,
        account: userPayload(installation.account, installation.id + 1, origin, origin, 'Organization'),
        access_tokens_url: `${origin}/app/installations/${installation.id}/access_tokens`,
        repositories_url: `${origin}/installation/repositories`,
        html_url: `${origin}/organizations/${installation.account}/settings/installations/${installation.id}`,
        app_id: appId,
        target_id: installation.id + 1,
        target_type: 'Organization',
        permissions: installation.permissions,
        events: ['check_run', 'check_suite', 'workflow_run', 'pull_request', 'issue_comment'],
        repository_selection: 'selected',
        suspended_at: null,
        suspended_by: null,
      },
    };
  });

  route('POST /app/installations/{installation_id}/access_tokens', 'jwt', ({ params, body }) => {
    const installation = installations.get(Number(params.installation_id));
    if (!installation) return notFound();
    let permissions = installation.permissions;
    if (body?.permissions) {
      for (const [name, level] of Object.entries(body.permissions as Record<string, Permission>)) {
        if (!installation.permissions[name] || levels[installation.permissions[name]] < levels[level]) {
          return {
            status: 422,
            body: {
              message: `The permissions requested are not granted to this installation.`,
              documentation_url: 'https://docs.github.com/rest',
              errors: [],
            },
          };
        }
      }
      permissions = body.permissions;
    }
    const token = `ghs_${randomBytes(27).toString('base64url')}`;
    const expiresAt = clock.now() + tokenTtlMs;
    tokens.set(token, {
      installationId: installation.id,
      expiresAt,
      permissions,
      ...(body?.repositories ? { repositories: body.repositories } : {}),
    });
    return {
      status: 201,
      body: { token, expires_at: iso(expiresAt), permissions, repository_selection: body?.repositories ? 'selected' : 'all' },
    };
  });

  route('GET /repos/{owner}/{repo}', [['metadata', 'read']], (context) => ({
    status: 200,
    body: repositoryPayload(repoInfo(requireRepo(context))),
  }));

  route('GET /repos/{owner}/{repo}/git/ref/{ref}', [['contents', 'read']], (context) => {
    const repo = requireRepo(context);
    const ref = context.params.ref as string;
    const sha = ref.startsWith('heads/') ? branchSha(repo, ref.slice('heads/'.length)) : undefined;
    if (!sha) return notFound();
    return {
      status: 200,
      body: {
        ref: `refs/${ref}`,
        node_id: `REF_${sha.slice(0, 8)}`,
        url: `${origin}/repos/${repo.owner}/${repo.name}/git/refs/${ref}`,
        object: { type: 'commit', sha, url: `${origin}/repos/${repo.owner}/${repo.name}/git/commits/${sha}` },
      },
    };
  });

  route('GET /repos/{owner}/{repo}/pulls', [['pull_requests', 'read']], (context) => {
    const repo = requireRepo(context);
    const state = context.query.get('state') ?? 'open';
    const head = context.query.get('head');
    const base = context.query.get('base');
    const list = pullsOf(repo).filter(
      (pull) =>
        (state === 'all' || pull.state === state) && (!head || `${repo.owner}:${pull.head}` === head) && (!base || pull.base === base),
    );
    return { status: 200, page: { items: [...list].reverse().map((pull) => pullPayload(repoInfo(repo), pull, true)) } };
  });

  route('POST /repos/{owner}/{repo}/pulls', [['pull_requests', 'write']], (context) => {
    const repo = requireRepo(context);
    const { title, head, base, body, draft } = context.body ?? {};
    const validation = (message: string): Reply => ({
      status: 422,
      body: {
        message: 'Validation Failed',
        errors: [{ resource: 'PullRequest', code: 'custom', message }],
        documentation_url: 'https://docs.github.com/rest/pulls/pulls#create-a-pull-request',
      },
    });
    if (typeof title !== 'string' || typeof head !== 'string' || typeof base !== 'string')
      return validation('title, head and base are required');
    const headBranch = head.includes(':') ? (head.split(':')[1] as string) : head;
    const headSha = branchSha(repo, headBranch);
    const baseSha = branchSha(repo, base);
    if (!headSha) return validation(`head ${head} does not exist`);
    if (!baseSha) return validation(`base ${base} does not exist`);
    if (pullsOf(repo).some((pull) => pull.state === 'open' && pull.head === headBranch && pull.base === base)) {
      return validation(`A pull request already exists for ${repo.owner}:${headBranch}.`);
    }
    const number = pullsOf(repo).length + 1;
    const pull: PullInfo = {
      id: id(),
      number,
      state: 'open',
      title,
      body: body ?? null,
      draft: draft === true,
      head: headBranch,
      headSha,
      base,
      baseSha,
      merged: false,
      user: `app-${appId}[bot]`,
      createdAt: iso(),
      updatedAt: iso(),
    };
    pullsOf(repo).push(pull);
    return { status: 201, body: pullPayload(repoInfo(repo), pull, false) };
  });

  const findPull = (repo: Repo, number: string) => pullsOf(repo).find((pull) => pull.number === Number(number));

  route('GET /repos/{owner}/{repo}/pulls/{pull_number}', [['pull_requests', 'read']], (context) => {
    const repo = requireRepo(context);
    const pull = findPull(repo, context.params.pull_number as string);
    if (!pull) return notFound();
    pull.headSha = branchSha(repo, pull.head) ?? pull.headSha;
    return { status: 200, body: pullPayload(repoInfo(repo), pull, false) };
  });

  route('PATCH /repos/{owner}/{repo}/pulls/{pull_number}', [['pull_requests', 'write']], (context) => {
    const repo = requireRepo(context);
    const pull = findPull(repo, context.params.pull_number as string);
    if (!pull) return notFound();
    const { title, body, state } = context.body ?? {};
    if (typeof title === 'string') pull.title = title;
    if (typeof body === 'string') pull.body = body;
    if (state === 'open' || state === 'closed') pull.state = state;
    pull.headSha = branchSha(repo, pull.head) ?? pull.headSha;
    pull.updatedAt = iso();
    return { status: 200, body: pullPayload(repoInfo(repo), pull, false) };
  });

  route(
    'POST /repos/{owner}/{repo}/issues/{issue_number}/comments',
    [
      ['issues', 'write'],
      ['pull_requests', 'write'],
    ],
    (context) => {
      const repo = requireRepo(context);
      const issue = Number(context.params.issue_number);
      if (!findPull(repo, String(issue))) return notFound();
      if (typeof context.body?.body !== 'string')
        return { status: 422, body: { message: 'Validation Failed', documentation_url: 'https://docs.github.com/rest' } };
      const comment = {
        id: id(),
        repo: `${repo.owner}/${repo.name}`,
        issue,
        body: context.body.body as string,
        user: `app-${appId}[bot]`,
        at: iso(),
      };
      comments.push(comment);
      return { status: 201, body: commentPayload(repoInfo(repo), comment) };
    },
  );

  route('GET /repos/{owner}/{repo}/collaborators/{username}/permission', [['metadata', 'read']], (context) => {
    const repo = requireRepo(context);
    const login = context.params.username as string;
    const permission = repo.collaborators.get(login);
    if (permission === undefined) return notFound();
    const legacy = permission === 'none' ? 'none' : permission;
    return {
      status: 200,
      body: {
        permission: legacy,
        role_name: permission === 'none' ? 'none' : permission,
        user: {
          ...userPayload(login, 5000 + login.length, origin, origin),
          permissions: {
            admin: permission === 'admin',
            maintain: permission === 'admin',
            push: permission === 'write' || permission === 'admin',
            triage: permission !== 'none',
            pull: permission !== 'none',
          },
          role_name: permission,
        },
      },
    };
  });

  route('GET /repos/{owner}/{repo}/commits/{ref}/check-suites', [['checks', 'read']], (context) => {
    const repo = requireRepo(context);
    const sha = shaOf(repo, context.params.ref as string);
    const list = suites.filter((suite) => suite.repo === `${repo.owner}/${repo.name}` && suite.sha === sha).map(suitePayload);
    return { status: 200, page: { items: list, wrap: (items, total) => ({ total_count: total, check_suites: items }) } };
  });

  route('GET /repos/{owner}/{repo}/commits/{ref}/check-runs', [['checks', 'read']], (context) => {
    const repo = requireRepo(context);
    const sha = shaOf(repo, context.params.ref as string);
    let list = checkRuns.filter((run) => run.repo === `${repo.owner}/${repo.name}` && run.sha === sha);
    if ((context.query.get('filter') ?? 'latest') === 'latest') list = latestByName(list);
    const name = context.query.get('check_name');
    if (name) list = list.filter((run) => run.name === name);
    return { status: 200, page: { items: list.map(checkRunPayload), wrap: (items, total) => ({ total_count: total, check_runs: items }) } };
  });

  route('GET /repos/{owner}/{repo}/commits/{ref}/status', [['statuses', 'read']], (context) => {
    const repo = requireRepo(context);
    const sha = shaOf(repo, context.params.ref as string);
    const latest = new Map<string, CommitStatus>();
    for (const status of statuses)
      if (status.repo === `${repo.owner}/${repo.name}` && status.sha === sha) latest.set(status.context, status);
    const list = [...latest.values()];
    const state = list.some((status) => status.state === 'failure' || status.state === 'error')
      ? 'failure'
      : list.length > 0 && list.every((status) => status.state === 'success')
        ? 'success'
        : 'pending';
    const example = officialExample<Body>('GET /repos/{owner}/{repo}/commits/{ref}/status');
    return {
      status: 200,
      body: {
        state,
        sha,
        total_count: list.length,
        statuses: list.map((status) => ({
          ...example.statuses[0],
          id: status.id,
          node_id: `S_${status.id}`,
          url: `${origin}/repos/${repo.owner}/${repo.name}/statuses/${sha}`,
          state: status.state,
          description: status.description,
          target_url: null,
          context: status.context,
          created_at: status.createdAt,
          updated_at: status.createdAt,
        })),
        repository: minimalRepositoryPayload(repo),
        commit_url: `${origin}/repos/${repo.owner}/${repo.name}/commits/${sha}`,
        url: `${origin}/repos/${repo.owner}/${repo.name}/commits/${sha}/status`,
      },
    };
  });

  route('GET /repos/{owner}/{repo}/check-runs/{check_run_id}/annotations', [['checks', 'read']], (context) => {
    const run = checkRuns.find((candidate) => candidate.id === Number(context.params.check_run_id));
    if (!run) return notFound();
    const items = run.annotations.map((annotation) => ({
      path: annotation.path,
      start_line: annotation.line,
      end_line: annotation.line,
      start_column: null,
      end_column: null,
      annotation_level: annotation.level ?? 'failure',
      title: annotation.title ?? null,
      message: annotation.message,
      raw_details: null,
      blob_href: `${origin}/${run.repo}/blob/${run.sha}/${annotation.path}`,
    }));
    return { status: 200, page: { items } };
  });

  route('GET /repos/{owner}/{repo}/actions/runs', [['actions', 'read']], (context) => {
    const repo = requireRepo(context);
    const headSha = context.query.get('head_sha');
    const branch = context.query.get('branch');
    const list = workflowRuns
      .filter((run) => run.repo === `${repo.owner}/${repo.name}` && (!headSha || run.sha === headSha) && (!branch || run.branch === branch))
      .reverse()
      .map(workflowRunPayload);
    return { status: 200, page: { items: list, wrap: (items, total) => ({ total_count: total, workflow_runs: items }) } };
  });

  route('GET /repos/{owner}/{repo}/actions/runs/{run_id}/jobs', [['actions', 'read']], (context) => {
    // `filter=latest` (GitHub's default) lists the jobs of the latest attempt; `all`, every attempt's.
    const jobs = checkRuns.filter((run) => run.runId === Number(context.params.run_id));
    const list = (context.query.get('filter') === 'all' ? jobs : latestByName(jobs)).map(jobPayload);
    return { status: 200, page: { items: list, wrap: (items, total) => ({ total_count: total, jobs: items }) } };
  });

  // GitHub re-runs the failed (and cancelled) jobs of a completed run as a new attempt of the same
  // run: new job ids, `run_attempt` + 1, `run_started_at` reset; the other jobs keep their results.
  route('POST /repos/{owner}/{repo}/actions/runs/{run_id}/rerun-failed-jobs', [['actions', 'write']], (context) => {
    const repo = requireRepo(context);
    const run = workflowRuns.find(
      (candidate) => candidate.id === Number(context.params.run_id) && candidate.repo === `${repo.owner}/${repo.name}`,
    );
    if (!run) return notFound();
    const jobs = latestByName(checkRuns.filter((job) => job.runId === run.id));
    if (jobs.some((job) => job.status !== 'completed')) return { status: 403, body: errorBody('This workflow is already running', 403) };
    const failed = jobs.filter((job) => job.conclusion === 'failure' || job.conclusion === 'cancelled' || job.conclusion === 'timed_out');
    if (failed.length === 0) return { status: 403, body: errorBody('This workflow run has no failed jobs to re-run', 403) };
    if (run.attempt >= 50) return { status: 403, body: errorBody('This workflow run has reached the maximum number of re-runs', 403) };
    run.attempt++;
    run.startedAt = iso();
    const scripted = ciScript({ repo: run.repo, branch: run.branch, sha: run.sha, before: run.before, attempt: run.attempt });
    const { checks: again, hold } = !scripted
      ? { checks: [], hold: false }
      : Array.isArray(scripted)
        ? { checks: scripted, hold: false }
        : scripted;
    for (const job of failed) {
      const check = again.find((candidate) => candidate.name === job.name);
      checkRuns.push({
        ...job,
        id: id(),
        attempt: run.attempt,
        status: 'in_progress',
        conclusion: null,
        final: check?.conclusion ?? job.final,
        steps:
          check?.steps ??
          job.steps.map((step, index) => (index === job.steps.length - 1 ? { ...step, conclusion: check?.conclusion ?? job.final } : step)),
        log: check
          ? timestampLog(check.log ?? `##[group]Run ${check.name}\n${check.name} finished: ${check.conclusion}\n##[endgroup]`, clock.now())
          : job.log,
        annotations: check?.annotations ?? job.annotations,
        summary: check?.summary ?? job.summary,
        startedAt: run.startedAt,
        completedAt: null,
      });
    }
    if (hold) heldShas.add(`${run.repo}@${run.sha}`);
    else completeCi(run.repo, run.sha);
    return { status: 201, body: {} };
  });

  route('GET /repos/{owner}/{repo}/compare/{basehead}', [['contents', 'read']], (context) => {
    const repo = requireRepo(context);
    const [base = '', head = ''] = (context.params.basehead as string).split('...');
    const baseSha = shaOf(repo, base);
    const headSha = shaOf(repo, head);
    let mergeBase: string;
    let files: string[];
    let commits: string[];
    let behind: string[];
    try {
      mergeBase = git(['merge-base', baseSha, headSha], repo.dir);
      files = git(['diff', '--name-status', `${mergeBase}`, headSha], repo.dir)
        .split('\n')
        .filter(Boolean);
      commits = git(['rev-list', '--reverse', `${mergeBase}..${headSha}`], repo.dir)
        .split('\n')
        .filter(Boolean);
      behind = git(['rev-list', `${mergeBase}..${baseSha}`], repo.dir)
        .split('\n')
        .filter(Boolean);
    } catch {
      return notFound();
    }
    const example = officialExample<Body>('GET /repos/{owner}/{repo}/compare/{basehead}');
    const commitPayload = (sha: string) => ({
      ...example.commits[0],
      sha,
      node_id: `C_${sha}`,
      url: `${origin}/repos/${repo.owner}/${repo.name}/commits/${sha}`,
    });
    const statusOf: Record<string, string> = { A: 'added', D: 'removed', M: 'modified', R: 'renamed', C: 'copied', T: 'changed' };
    return {
      status: 200,
      body: {
        ...example,
        url: `${origin}/repos/${repo.owner}/${repo.name}/compare/${base}...${head}`,
        html_url: `${origin}/${repo.owner}/${repo.name}/compare/${base}...${head}`,
        permalink_url: `${origin}/${repo.owner}/${repo.name}/compare/${baseSha}...${headSha}`,
        diff_url: `${origin}/${repo.owner}/${repo.name}/compare/${base}...${head}.diff`,
        patch_url: `${origin}/${repo.owner}/${repo.name}/compare/${base}...${head}.patch`,
        base_commit: commitPayload(baseSha),
        merge_base_commit: commitPayload(mergeBase),
        status: commits.length === 0 ? (behind.length === 0 ? 'identical' : 'behind') : behind.length === 0 ? 'ahead' : 'diverged',
        ahead_by: commits.length,
        behind_by: behind.length,
        total_commits: commits.length,
        commits: commits.map(commitPayload),
        files: files.map((line) => {
          const [status = 'M', ...names] = line.split('\t');
          const filename = names.at(-1) ?? '';
          return {
            ...example.files[0],
            sha: headSha,
            filename,
            status: statusOf[status.charAt(0)] ?? 'modified',
            blob_url: `${origin}/${repo.owner}/${repo.name}/blob/${headSha}/${filename}`,
            raw_url: `${origin}/${repo.owner}/${repo.name}/raw/${headSha}/${filename}`,
            contents_url: `${origin}/repos/${repo.owner}/${repo.name}/contents/${filename}?ref=${headSha}`,
            ...(status.startsWith('R') ? { previous_filename: names[0] } : {}),
          };
        }),
      },
    };
  });

  route('GET /repos/{owner}/{repo}/actions/jobs/{job_id}/logs', [['actions', 'read']], (context) => {
    const run = checkRuns.find((candidate) => candidate.id === Number(context.params.job_id) && candidate.kind === 'actions');
    if (!run) return notFound();
    const signature = randomBytes(16).toString('hex');
    logLinks.set(signature, { jobId: run.id, expiresAt: clock.now() + 60_000 });
    return { status: 302, headers: { location: `${logOrigin}/jobs/${run.id}/signedlogcontent?sig=${signature}` } };
  });

  // ---- HTTP ----------------------------------------------------------------------------------

  const readBody = async (request: IncomingMessage): Promise<string> => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  };

  const permitted = (granted: Record<string, Permission>, needs: [string, Permission] | [string, Permission][]) => {
    const alternatives: [string, Permission][] = Array.isArray(needs[0])
      ? (needs as [string, Permission][])
      : [needs as [string, Permission]];
    return alternatives.some(([name, level]) => granted[name] !== undefined && levels[granted[name]] >= levels[level]);
  };

  const takeFault = (method: string, path: string) => {
    const index = faults.findIndex(
      (fault) =>
        fault.remaining > 0 &&
        (!fault.method || fault.method.toUpperCase() === method) &&
        (!fault.path || (typeof fault.path === 'string' ? path === fault.path : fault.path.test(path))),
    );
    if (index < 0) return undefined;
    const fault = faults[index] as Fault & { remaining: number };
    fault.remaining--;
    if (fault.remaining === 0) faults.splice(index, 1);
    return fault;
  };

  const faultReply = (fault: Fault): Reply => {
    const headers: Record<string, string> = fault.retryAfter === undefined ? {} : { 'retry-after': String(fault.retryAfter) };
    if (fault.status === 403 || fault.status === 429) {
      return {
        status: fault.status,
        headers,
        body: {
          ...errorBody(
            `You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID ${randomUUID().slice(0, 18).toUpperCase()}.`,
            fault.status,
          ),
          documentation_url:
            'https://docs.github.com/free-pro-team@latest/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits',
        },
      };
    }
    if (fault.status === 401) return { status: 401, headers, body: errorBody('Bad credentials', 401) };
    return { status: fault.status, headers, body: errorBody('Server Error', fault.status) };
  };

  const installationToken = (header: string | undefined) => {
    const match = /^(?:token|bearer)\s+(.+)$/i.exec(header ?? '');
    if (!match) return undefined;
    const entry = tokens.get(match[1] as string);
    if (!entry || entry.expiresAt <= clock.now()) return undefined;
    return entry;
  };

  const send = (request: IncomingMessage, response: ServerResponse, operation: string, reply: Reply, url: URL) => {
    let body = reply.body;
    const headers: Record<string, string> = {
      'content-type': 'application/json; charset=utf-8',
      'x-github-api-version-selected': '2022-11-28',
      'x-github-request-id': randomUUID(),
      'x-ratelimit-limit': '5000',
      'x-ratelimit-resource': 'core',
      ...reply.headers,
    };
    if (reply.page) {
      const perPage = Math.min(Math.max(Number(url.searchParams.get('per_page') ?? 30) || 30, 1), 100);
      const pageNumber = Math.max(Number(url.searchParams.get('page') ?? 1) || 1, 1);
      const total = reply.page.items.length;
      const lastPage = Math.max(1, Math.ceil(total / perPage));
      const items = reply.page.items.slice((pageNumber - 1) * perPage, pageNumber * perPage);
      body = reply.page.wrap ? reply.page.wrap(items, total) : items;
      const link = (page: number, rel: string) => {
        const target = new URL(url.toString());
        target.searchParams.set('page', String(page));
        target.searchParams.set('per_page', String(perPage));
        return `<${origin}${target.pathname}${target.search}>; rel="${rel}"`;
      };
      const links: string[] = [];
      if (pageNumber > 1) links.push(link(pageNumber - 1, 'prev'), link(1, 'first'));
      if (pageNumber < lastPage) links.push(link(pageNumber + 1, 'next'), link(lastPage, 'last'));
      if (links.length > 0) headers.link = links.join(', ');
    }
    const violation = validate(operation, reply.status, body);
    if (violation) {
      violations.push(violation);
      process.stderr.write(
        `github simulator: response of ${operation} ${reply.status} does not match GitHub's schema: ${violation.errors.slice(0, 5).join('; ')}\n`,
      );
    }
    const text = body === undefined ? '' : JSON.stringify(body);
    let status = reply.status;
    if (request.method === 'GET' && status === 200) {
      const etag = `W/"${createHash('sha1').update(text).digest('hex')}"`;
      headers.etag = etag;
      if (request.headers['if-none-match'] === etag) status = 304;
    }
    counts.total++;
    counts.byOperation[operation] = (counts.byOperation[operation] ?? 0) + 1;
    if (status === 304) counts.notModified++;
    else counts.rateLimited++;
    headers['x-ratelimit-used'] = String(counts.rateLimited);
    headers['x-ratelimit-remaining'] = String(Math.max(0, 5000 - counts.rateLimited));
    headers['x-ratelimit-reset'] = String(Math.floor(clock.now() / 1000) + 3600);
    response.writeHead(status, headers);
    response.end(status === 304 ? undefined : text);
  };

  const handleGit = (request: IncomingMessage, response: ServerResponse, url: URL, match: RegExpExecArray) => {
    counts.git++;
    const fullName = `${match[1]}/${match[2]}`;
    const repo = repos.get(fullName);
    const deny = () => {
      response.writeHead(401, { 'www-authenticate': 'Basic realm="GitHub"', 'content-type': 'text/plain' });
      response.end('Invalid username or token. Password authentication is not supported for Git operations.\n');
    };
    if (!repo) {
      response.writeHead(404, { 'content-type': 'text/plain' });
      response.end('Repository not found.\n');
      return;
    }
    const basic = /^basic\s+(.+)$/i.exec(request.headers.authorization ?? '');
    if (!basic) return deny();
    const [user, password] = Buffer.from(basic[1] as string, 'base64')
      .toString('utf8')
      .split(':');
    const entry = user === 'x-access-token' ? installationToken(`token ${password}`) : undefined;
    if (!entry || entry.installationId !== repo.installationId) return deny();
    if (entry.repositories && !entry.repositories.includes(repo.name)) return deny();
    const pushing = url.searchParams.get('service') === 'git-receive-pack' || url.pathname.endsWith('/git-receive-pack');
    if (!permitted(entry.permissions, [pushing ? 'contents' : 'contents', pushing ? 'write' : 'read'])) {
      response.writeHead(403, { 'content-type': 'text/plain' });
      response.end(`Permission to ${fullName}.git denied to app.\n`);
      return;
    }
    const before = pushing && request.method === 'POST' ? branchHeads(repo) : undefined;
    serveGitHttpBackend(request, response, {
      projectRoot: reposDir,
      pathInfo: `/${fullName}.git${match[3] ?? ''}`,
      query: url.search.replace(/^\?/, ''),
      remoteUser: 'x-access-token',
      onPushed: () => {
        if (!before) return;
        for (const [branch, sha] of branchHeads(repo)) {
          if (before.get(branch) !== sha) handlePush({ repo: fullName, branch, sha, before: before.get(branch) });
        }
      },
    });
  };

  const server: Server = createServer((request, response) => {
    void (async () => {
      const url = new URL(request.url ?? '/', 'http://localhost');
      const method = request.method ?? 'GET';
      const gitMatch = /^\/([^/]+)\/([^/]+?)\.git(\/.*)?$/.exec(url.pathname);
      if (gitMatch) return handleGit(request, response, url, gitMatch);
      const found = routes
        .filter((candidate) => candidate.method === method)
        .map((candidate) => ({ candidate, match: candidate.pattern.exec(url.pathname) }))
        .find((entry) => entry.match);
      if (!found) {
        response.writeHead(404, { 'content-type': 'application/json' });
        response.end(JSON.stringify(errorBody(`The simulator has no route for ${method} ${url.pathname}`, 404)));
        return;
      }
      const { candidate, match } = found as { candidate: Route; match: RegExpExecArray };
      const params = Object.fromEntries(candidate.names.map((name, index) => [name, decodeURIComponent(match[index + 1] as string)]));
      const raw = await readBody(request);
      const fault = takeFault(method, url.pathname) ?? randomFaults?.draw(method, url.pathname);
      if (fault?.delayMs) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
      if (fault && !fault.afterHandling) return send(request, response, candidate.operation, faultReply(fault), url);
      const repo = params.owner && params.repo ? repos.get(`${params.owner}/${params.repo}`) : undefined;
      let installationId: number | undefined;
      if (candidate.needs === 'jwt') {
        const bearer = /^bearer\s+(.+)$/i.exec(request.headers.authorization ?? '');
        const reason = bearer
          ? verifyAppJwt(bearer[1] as string, { publicKey: settings.publicKey, appId, nowMs: clock.now() })
          : 'A JSON web token could not be decoded';
        if (reason) return send(request, response, candidate.operation, { status: 401, body: errorBody(reason, 401) }, url);
      } else {
        const entry = installationToken(request.headers.authorization);
        if (!entry) return send(request, response, candidate.operation, { status: 401, body: errorBody('Bad credentials', 401) }, url);
        if (!repo || repo.installationId !== entry.installationId || (entry.repositories && !entry.repositories.includes(repo.name))) {
          return send(request, response, candidate.operation, notFound(), url);
        }
        if (!permitted(entry.permissions, candidate.needs)) {
          return send(
            request,
            response,
            candidate.operation,
            { status: 403, body: errorBody('Resource not accessible by integration', 403) },
            url,
          );
        }
        installationId = entry.installationId;
      }
      let body: Body | undefined;
      try {
        body = raw ? JSON.parse(raw) : undefined;
      } catch {
        return send(request, response, candidate.operation, { status: 400, body: errorBody('Problems parsing JSON', 400) }, url);
      }
      const reply = await candidate.handler({ params, query: url.searchParams, body, repo, installationId, origin });
      send(request, response, candidate.operation, fault ? faultReply(fault) : reply, url);
    })().catch((error: unknown) => {
      process.stderr.write(`github simulator: ${error instanceof Error ? error.stack : String(error)}\n`);
      if (!response.headersSent) response.writeHead(500, { 'content-type': 'application/json' });
      response.end(JSON.stringify(errorBody('Simulator error', 500)));
    });
  });

  const logServer: Server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const link = logLinks.get(url.searchParams.get('sig') ?? '');
    const match = /^\/jobs\/(\d+)\/signedlogcontent$/.exec(url.pathname);
    counts.logDownloads++;
    if (!link || !match || Number(match[1]) !== link.jobId || link.expiresAt <= clock.now()) {
      response.writeHead(403, { 'content-type': 'application/xml' });
      response.end('<Error><Code>AuthenticationFailed</Code></Error>');
      return;
    }
    const run = checkRuns.find((candidate) => candidate.id === link.jobId) as CheckRun;
    response.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
    response.end(run.log);
  });

  const listen = (target: Server) =>
    new Promise<number>((resolve) => target.listen(0, '127.0.0.1', () => resolve((target.address() as AddressInfo).port)));
  origin = `http://127.0.0.1:${await listen(server)}`;
  logOrigin = `http://127.0.0.1:${await listen(logServer)}`;

  // ---- test-facing API -----------------------------------------------------------------------

  const commitFiles = (repo: Repo, branch: string, files: Record<string, string>, message: string, from?: string): string => {
    const work = mkdtempSync(join(root, 'work-'));
    try {
      git(['init', '-q', '-b', branch], work);
      const start = from ?? branchSha(repo, branch);
      if (start) {
        git(['fetch', '-q', repo.dir, start], work);
        git(['reset', '-q', '--hard', 'FETCH_HEAD'], work);
      }
      for (const [path, content] of Object.entries(files)) {
        mkdirSync(dirname(join(work, path)), { recursive: true });
        writeFileSync(join(work, path), content);
      }
      git(['add', '-A'], work);
      git(['commit', '-q', '--allow-empty', '-m', message], work);
      const before = branchSha(repo, branch);
      git(['push', '-q', '--force', repo.dir, `HEAD:refs/heads/${branch}`], work);
      const sha = git(['rev-parse', 'HEAD'], work);
      handlePush({ repo: `${repo.owner}/${repo.name}`, branch, sha, before });
      return sha;
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  };

  const getRepo = (fullName: string): Repo => {
    const repo = repos.get(fullName);
    if (!repo) throw new Error(`the simulator has no repo ${fullName}`);
    return repo;
  };

  return {
    /** The REST base URL (`baseUrl` for Octokit); git is served under it as `/{owner}/{repo}.git`. */
    url: origin,
    appId,
    webhookSecret,
    /** Response bodies that did not match GitHub's schema. `close` fails when there are any. */
    violations,
    /** Webhooks sent, with the HTTP status the receiver answered. */
    deliveries,
    /** Request counters; `resetCounts` zeroes them. */
    counts,
    resetCounts() {
      Object.assign(counts, { total: 0, rateLimited: 0, notModified: 0, byOperation: {}, git: 0, logDownloads: 0 });
    },
    /**
     * Creates a repository with one commit on its default branch (CI runs for it as for a push).
     * The App is installed on it (on the owner's installation) unless `installed` is false.
     */
    createRepo(
      fullName: string,
      options: {
        files?: Record<string, string>;
        defaultBranch?: string;
        installed?: boolean;
        permissions?: Record<string, Permission>;
      } = {},
    ): { sha: string; installationId: number | undefined } {
      const [owner, name] = fullName.split('/') as [string, string];
      const dir = join(reposDir, owner, `${name}.git`);
      mkdirSync(dir, { recursive: true });
      const defaultBranch = options.defaultBranch ?? 'main';
      git(['init', '-q', '--bare', '-b', defaultBranch], dir);
      git(['config', 'http.receivepack', 'true'], dir);
      let installationId: number | undefined;
      if (options.installed !== false) {
        const existing = [...installations.values()].find((installation) => installation.account === owner);
        const installation = existing ?? { id: id(), account: owner, permissions: { ...defaultPermissions } };
        if (options.permissions) installation.permissions = { ...options.permissions };
        installations.set(installation.id, installation);
        installationId = installation.id;
      }
      const repo: Repo = {
        id: id(),
        owner,
        name,
        defaultBranch,
        apiUrl: origin,
        webUrl: origin,
        dir,
        installationId,
        collaborators: new Map(),
      };
      repos.set(fullName, repo);
      const sha = commitFiles(repo, defaultBranch, options.files ?? { 'README.md': `# ${name}\n` }, 'Initial commit');
      return { sha, installationId };
    },
    /** Commits `files` on `branch` (created from `from`, else the default branch) as a push, running CI. */
    commit(fullName: string, branch: string, files: Record<string, string>, message = 'Change'): string {
      const repo = getRepo(fullName);
      return commitFiles(repo, branch, files, message, branchSha(repo, branch) ? undefined : branchSha(repo, repo.defaultBranch));
    },
    branchSha(fullName: string, branch: string): string | undefined {
      return branchSha(getRepo(fullName), branch);
    },
    /** The bare repository on disk, for assertions with git. */
    repoDir: (fullName: string) => getRepo(fullName).dir,
    setCollaborator(fullName: string, login: string, permission: Permission | 'none') {
      getRepo(fullName).collaborators.set(login, permission);
    },
    setCi(script: CiScript) {
      ciScript = script;
    },
    completeCi,
    setWebhookUrl(url: string | undefined) {
      webhookUrl = url;
    },
    /** Makes the next matching requests fail. */
    fault(fault: Fault) {
      faults.push({ ...fault, remaining: fault.times ?? 1 });
    },
    /** Drops every fault not yet used up (random faults too). */
    clearFaults() {
      faults.splice(0);
      randomFaults = undefined;
    },
    /**
     * From now on a share of REST requests fail (5xx, secondary rate limits) and a share of webhooks
     * is never sent, drawn from a seeded generator; `undefined` stops it. Returns the counters.
     */
    setRandomFaults(settings: RandomFaults | undefined) {
      randomFaults = settings ? createRandomFaults(settings) : undefined;
      return randomFaults?.counts;
    },
    /** What the random faults did so far (undefined when none are set). */
    get randomFaultCounts() {
      return randomFaults?.counts;
    },
    /** Every installation token issued so far stops working (as if expired or revoked). */
    expireTokens() {
      for (const entry of tokens.values()) entry.expiresAt = 0;
    },
    pullRequests: (fullName: string) => structuredClone(pulls.get(fullName) ?? []),
    comments: (fullName: string, number: number) =>
      comments.filter((comment) => comment.repo === fullName && comment.issue === number).map(({ body, user }) => ({ body, user })),
    /** A person closes (or merges) a pull request: sends `pull_request.closed`. */
    async closePullRequest(fullName: string, number: number, options: { merged?: boolean; by?: string } = {}) {
      const repo = getRepo(fullName);
      const pull = findPull(repo, String(number));
      if (!pull) throw new Error(`no pull request #${number}`);
      pull.state = 'closed';
      pull.merged = options.merged === true;
      pull.updatedAt = iso();
      await deliver(
        'pull_request.closed',
        { number, pull_request: pullPayload(repoInfo(repo), pull, false) },
        repo,
        options.by ?? 'octocat',
      );
    },
    /** A person comments on a pull request: sends `issue_comment.created`. */
    async commentOnPullRequest(fullName: string, number: number, login: string, body: string) {
      const repo = getRepo(fullName);
      const pull = findPull(repo, String(number));
      if (!pull) throw new Error(`no pull request #${number}`);
      const comment = { id: id(), repo: fullName, issue: number, body, user: login, at: iso() };
      comments.push(comment);
      const issue = {
        ...pullPayload(repoInfo(repo), pull, true),
        pull_request: {
          url: `${origin}/repos/${fullName}/pulls/${number}`,
          html_url: `${origin}/${fullName}/pull/${number}`,
          diff_url: `${origin}/${fullName}/pull/${number}.diff`,
          patch_url: `${origin}/${fullName}/pull/${number}.patch`,
          merged_at: null,
        },
      };
      await deliver(
        'issue_comment.created',
        { issue, comment: { ...commentPayload(repoInfo(repo), comment), user: userPayload(login, 5000 + login.length, origin, origin) } },
        repo,
        login,
      );
    },
    /** A person comments on a line of a pull request's diff: sends `pull_request_review_comment.created`. */
    async reviewCommentOnPullRequest(fullName: string, number: number, login: string, body: string, at: { path: string; line: number }) {
      const repo = getRepo(fullName);
      const pull = findPull(repo, String(number));
      if (!pull) throw new Error(`no pull request #${number}`);
      const commentId = id();
      comments.push({ id: commentId, repo: fullName, issue: number, body, user: login, at: iso() });
      const url = `${origin}/repos/${fullName}/pulls/comments/${commentId}`;
      await deliver(
        'pull_request_review_comment.created',
        {
          pull_request: pullPayload(repoInfo(repo), pull, false),
          comment: {
            id: commentId,
            node_id: `PRRC_${commentId}`,
            url,
            html_url: `${origin}/${fullName}/pull/${number}#discussion_r${commentId}`,
            pull_request_url: `${origin}/repos/${fullName}/pulls/${number}`,
            body,
            path: at.path,
            line: at.line,
            original_line: at.line,
            commit_id: pull.headSha,
            original_commit_id: pull.headSha,
            user: userPayload(login, 5000 + login.length, origin, origin),
            created_at: iso(),
            updated_at: iso(),
          },
        },
        repo,
        login,
      );
    },
    /** Sends a raw delivery with an arbitrary signature (to test rejection). */
    async deliverRaw(event: string, body: string, signature: string): Promise<number> {
      if (!webhookUrl) throw new Error('no webhook url');
      const response = await fetch(webhookUrl, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-github-event': event,
          'x-github-delivery': randomUUID(),
          'x-hub-signature-256': signature,
        },
        body,
      });
      await response.arrayBuffer();
      return response.status;
    },
    /** Waits until every webhook sent so far was answered. */
    async flushWebhooks() {
      while (pendingDeliveries.size > 0) await Promise.all([...pendingDeliveries]);
    },
    async close() {
      await Promise.all([...pendingDeliveries]);
      const closed = Promise.all([new Promise((resolve) => server.close(resolve)), new Promise((resolve) => logServer.close(resolve))]);
      server.closeAllConnections();
      logServer.closeAllConnections();
      await closed;
      rmSync(root, { recursive: true, force: true });
      if (violations.length > 0) {
        throw new Error(
          `The GitHub simulator sent ${violations.length} response(s) or webhook(s) that do not match GitHub's published schemas:\n${violations.map((violation) => `${violation.operation} ${violation.status}: ${violation.errors.join('; ')}`).join('\n')}`,
        );
      }
    },
  };
};
