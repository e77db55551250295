import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { findDebianMirror } from './debian-mirror.js';

const directories: string[] = [];
const aptDirectory = (files: Record<string, string>) => {
  const directory = mkdtempSync(join(tmpdir(), 'ampo-apt-'));
  directories.push(directory);
  mkdirSync(join(directory, 'sources.list.d'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(directory, name), text);
  return directory;
};

afterEach(() => {
  for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true });
});

describe('findDebianMirror', () => {
  it('reads deb822 sources, skipping security and other suites', () => {
    const directory = aptDirectory({
      'sources.list.d/debian.sources': [
        'Types: deb\nURIs: http://security.mirror.example/debian-security\nSuites: bookworm-security\nComponents: main',
        'Types: deb-src\nURIs: http://source.mirror.example/debian\nSuites: bookworm\nComponents: main',
        'Types: deb\n# a comment\nURIs: http://mirror.example/debian\nSuites: bookworm bookworm-updates\nComponents: main',
      ].join('\n\n'),
    });
    expect(findDebianMirror('bookworm', directory)).toBe('http://mirror.example/debian');
  });

  it('reads one-line sources.list entries with options', () => {
    const directory = aptDirectory({
      'sources.list':
        '# deb http://old.example/debian bookworm main\ndeb [arch=amd64 signed-by=/k.gpg] http://mirror.example/debian bookworm main\n',
    });
    expect(findDebianMirror('bookworm', directory)).toBe('http://mirror.example/debian');
  });

  it('answers undefined when no source names the suite', () => {
    const directory = aptDirectory({ 'sources.list': 'deb http://mirror.example/debian bullseye main\n' });
    expect(findDebianMirror('bookworm', directory)).toBeUndefined();
  });
});
