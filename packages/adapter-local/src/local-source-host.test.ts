import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeSourceHost } from '@ampo/core/conformance';
import { createBareRepository } from '@ampo/testkit';
import { afterAll, expect, it } from 'vitest';
import { createGitHttpServer } from './git-http-server.js';
import { createLocalSourceHost } from './local-source-host.js';

const git = await createGitHttpServer();
afterAll(() => git.close());

describeSourceHost({
  name: 'local (bare repositories over loopback HTTP)',
  create: async () => {
    const repository = createBareRepository({ 'README.md': '# app\n' });
    const host = createLocalSourceHost({ git, reviewsFile: join(repository.root, 'reviews.json') });
    return {
      host,
      repo: repository.bare,
      baseBranch: 'main',
      pullRequests: async () =>
        (await host.reviewRequests()).map((review) => ({
          number: review.number,
          head: review.head,
          base: review.base,
          title: review.title,
          body: review.body,
          open: true,
          comments: review.comments.map((comment) => comment.body),
        })),
    };
  },
});

it('keeps review requests across instances: opening one again after a restart finds it', async () => {
  const repository = createBareRepository({ 'README.md': '# app\n' });
  const reviewsFile = join(mkdtempSync(join(tmpdir(), 'ampo-reviews-')), 'reviews.json');
  const request = { repo: repository.bare, taskId: 't1', base: 'main', head: 'ampo/t1-x', title: 'x', body: 'first' };
  const first = await createLocalSourceHost({ git, reviewsFile }).openPullRequest(request);
  const again = await createLocalSourceHost({ git, reviewsFile }).openPullRequest({ ...request, body: 'second' });
  expect(again).toEqual(first);
  const [review, ...others] = await createLocalSourceHost({ git, reviewsFile }).reviewRequests();
  expect(others).toEqual([]);
  expect(review?.body).toBe('second');
});

it('refuses a repository that is neither a URL nor an absolute path', async () => {
  const host = createLocalSourceHost({ git, reviewsFile: join(mkdtempSync(join(tmpdir(), 'ampo-reviews-')), 'r.json') });
  await expect(host.cloneRemote('relative/path')).rejects.toThrow(/neither a URL nor an absolute path/);
});
