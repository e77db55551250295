import { officialExample } from './openapi/response-validator.js';

/**
 * Response bodies built from GitHub's own examples in its OpenAPI description, with the fields
 * that matter overridden. Every body is still validated against the schema before it is sent.
 */
// biome-ignore lint/suspicious/noExplicitAny: GitHub's examples are arbitrary JSON; the schema check is what types them.
export type Body = Record<string, any>;

export interface RepoInfo {
  id: number;
  owner: string;
  name: string;
  defaultBranch: string;
  apiUrl: string;
  webUrl: string;
}

const repoUrl = (repo: RepoInfo) => `${repo.apiUrl}/repos/${repo.owner}/${repo.name}`;

export const userPayload = (login: string, id: number, apiUrl: string, webUrl: string, type = 'User'): Body => ({
  login,
  id,
  node_id: `U_${id}`,
  avatar_url: `${webUrl}/avatars/${login}`,
  gravatar_id: '',
  url: `${apiUrl}/users/${login}`,
  html_url: `${webUrl}/${login}`,
  followers_url: `${apiUrl}/users/${login}/followers`,
  following_url: `${apiUrl}/users/${login}/following{/other_user}`,
  gists_url: `${apiUrl}/users/${login}/gists{/gist_id}`,
  starred_url: `${apiUrl}/users/${login}/starred{/owner}{/repo}`,
  subscriptions_url: `${apiUrl}/users/${login}/subscriptions`,
  organizations_url: `${apiUrl}/users/${login}/orgs`,
  repos_url: `${apiUrl}/users/${login}/repos`,
  events_url: `${apiUrl}/users/${login}/events{/privacy}`,
  received_events_url: `${apiUrl}/users/${login}/received_events`,
  type,
  site_admin: false,
});

/** A full repository object, with the urls rewritten to the simulator. */
export const repositoryPayload = (repo: RepoInfo): Body => {
  const body = officialExample<Body>('GET /repos/{owner}/{repo}');
  const oldFull = `${body.owner.login}/${body.name}`;
  const rewritten = JSON.parse(
    JSON.stringify(body)
      .replaceAll('https://api.github.com', repo.apiUrl)
      .replaceAll('https://github.com', repo.webUrl)
      .replaceAll(oldFull, `${repo.owner}/${repo.name}`),
  );
  delete rewritten.organization;
  delete rewritten.parent;
  delete rewritten.source;
  delete rewritten.template_repository;
  return {
    ...rewritten,
    id: repo.id,
    node_id: `R_${repo.id}`,
    name: repo.name,
    full_name: `${repo.owner}/${repo.name}`,
    owner: userPayload(repo.owner, repo.id + 1, repo.apiUrl, repo.webUrl, 'Organization'),
    private: true,
    fork: false,
    // GitHub's own example omits `language`, which the schema requires.
    language: null,
    default_branch: repo.defaultBranch,
    clone_url: `${repo.webUrl}/${repo.owner}/${repo.name}.git`,
    git_url: `${repo.webUrl}/${repo.owner}/${repo.name}.git`,
    html_url: `${repo.webUrl}/${repo.owner}/${repo.name}`,
    url: repoUrl(repo),
  };
};

export const appPayload = (appId: number, apiUrl: string, webUrl: string): Body => {
  const app = officialExample<Body>('GET /repos/{owner}/{repo}/commits/{ref}/check-runs').check_runs[0].app;
  return {
    ...app,
    id: appId,
    slug: appId === githubActionsAppId ? 'github-actions' : `app-${appId}`,
    name: appId === githubActionsAppId ? 'GitHub Actions' : `App ${appId}`,
    html_url: `${webUrl}/apps/app-${appId}`,
    owner: userPayload('github', 9919, apiUrl, webUrl, 'Organization'),
  };
};

/** GitHub Actions is itself an App; its check runs carry this app id. */
export const githubActionsAppId = 15368;

export interface PullInfo {
  id: number;
  number: number;
  state: 'open' | 'closed';
  title: string;
  body: string | null;
  draft: boolean;
  head: string;
  headSha: string;
  base: string;
  baseSha: string;
  merged: boolean;
  user: string;
  createdAt: string;
  updatedAt: string;
}

export const pullPayload = (repo: RepoInfo, pull: PullInfo, simple: boolean): Body => {
  const template = simple
    ? officialExample<Body[]>('GET /repos/{owner}/{repo}/pulls')[0]!
    : officialExample('GET /repos/{owner}/{repo}/pulls/{pull_number}');
  const url = `${repoUrl(repo)}/pulls/${pull.number}`;
  const repository = repositoryPayload(repo);
  const branch = (ref: string, sha: string) => ({
    label: `${repo.owner}:${ref}`,
    ref,
    sha,
    user: repository.owner,
    repo: repository,
  });
  const body: Body = {
    ...template,
    id: pull.id,
    node_id: `PR_${pull.id}`,
    number: pull.number,
    url,
    html_url: `${repo.webUrl}/${repo.owner}/${repo.name}/pull/${pull.number}`,
    diff_url: `${repo.webUrl}/${repo.owner}/${repo.name}/pull/${pull.number}.diff`,
    patch_url: `${repo.webUrl}/${repo.owner}/${repo.name}/pull/${pull.number}.patch`,
    issue_url: `${repoUrl(repo)}/issues/${pull.number}`,
    commits_url: `${url}/commits`,
    review_comments_url: `${url}/comments`,
    review_comment_url: `${repoUrl(repo)}/pulls/comments{/number}`,
    comments_url: `${repoUrl(repo)}/issues/${pull.number}/comments`,
    statuses_url: `${repoUrl(repo)}/statuses/${pull.headSha}`,
    state: pull.state,
    locked: false,
    title: pull.title,
    body: pull.body,
    draft: pull.draft,
    user: userPayload(pull.user, 9001, repo.apiUrl, repo.webUrl, 'Bot'),
    head: branch(pull.head, pull.headSha),
    base: branch(pull.base, pull.baseSha),
    created_at: pull.createdAt,
    updated_at: pull.updatedAt,
    closed_at: pull.state === 'closed' ? pull.updatedAt : null,
    merged_at: pull.merged ? pull.updatedAt : null,
    merge_commit_sha: null,
    assignee: null,
    assignees: [],
    requested_reviewers: [],
    requested_teams: [],
    labels: [],
    milestone: null,
    auto_merge: null,
    _links: {
      self: { href: url },
      html: { href: `${repo.webUrl}/${repo.owner}/${repo.name}/pull/${pull.number}` },
      issue: { href: `${repoUrl(repo)}/issues/${pull.number}` },
      comments: { href: `${repoUrl(repo)}/issues/${pull.number}/comments` },
      review_comments: { href: `${url}/comments` },
      review_comment: { href: `${repoUrl(repo)}/pulls/comments{/number}` },
      commits: { href: `${url}/commits` },
      statuses: { href: `${repoUrl(repo)}/statuses/${pull.headSha}` },
    },
  };
  if (!simple) {
    Object.assign(body, {
      merged: pull.merged,
      mergeable: true,
      rebaseable: true,
      mergeable_state: 'clean',
      merged_by: null,
      comments: 0,
      review_comments: 0,
      commits: 1,
      additions: 1,
      deletions: 0,
      changed_files: 1,
      maintainer_can_modify: false,
    });
  }
  return body;
};

export const commentPayload = (repo: RepoInfo, comment: { id: number; issue: number; body: string; user: string; at: string }): Body => ({
  ...officialExample<Body>('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', 201),
  id: comment.id,
  node_id: `IC_${comment.id}`,
  url: `${repoUrl(repo)}/issues/comments/${comment.id}`,
  html_url: `${repo.webUrl}/${repo.owner}/${repo.name}/pull/${comment.issue}#issuecomment-${comment.id}`,
  issue_url: `${repoUrl(repo)}/issues/${comment.issue}`,
  body: comment.body,
  user: userPayload(comment.user, 9001, repo.apiUrl, repo.webUrl, 'Bot'),
  created_at: comment.at,
  updated_at: comment.at,
  author_association: 'NONE',
});
