import { expect, it } from 'vitest';
import { parseRepo } from './github-client.js';

it('reads owner/name as GitHub spells them and refuses anything else before a request is made', () => {
  expect(parseRepo('acme/widgets')).toEqual({ owner: 'acme', repo: 'widgets' });
  expect(parseRepo('acme-co/my.repo_2.git')).toEqual({ owner: 'acme-co', repo: 'my.repo_2' });
  for (const bad of [
    'acme',
    'acme/',
    '/widgets',
    '../widgets',
    'acme/..',
    'acme/.',
    '-acme/x',
    'acme/x/y',
    'acme/x y',
    '--upload-pack=x/y',
  ]) {
    expect(() => parseRepo(bad), bad).toThrow(/is not a GitHub repository/);
  }
});
