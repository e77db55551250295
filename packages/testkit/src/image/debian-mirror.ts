import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const isMainArchive = (uri: string, suites: string[], suite: string) => suites.includes(suite) && !uri.includes('security');

/** Reads deb822 `.sources` paragraphs: `URIs:` and `Suites:` fields, separated by blank lines. */
const fromDeb822 = (text: string, suite: string): string | undefined => {
  for (const paragraph of text.split(/\n\s*\n/)) {
    const field = (name: string) =>
      paragraph
        .split('\n')
        .find((line) => line.toLowerCase().startsWith(`${name.toLowerCase()}:`))
        ?.slice(name.length + 1)
        .trim()
        .split(/\s+/) ?? [];
    if (!field('Types').includes('deb') || field('Enabled')[0] === 'no') continue;
    const uri = field('URIs').find((each) => /^https?:\/\//.test(each));
    if (uri && isMainArchive(uri, field('Suites'), suite)) return uri;
  }
  return undefined;
};

/** Reads one-line `deb [options] URI suite components` entries. */
const fromOneLine = (text: string, suite: string): string | undefined => {
  for (const raw of text.split('\n')) {
    const line = raw
      .replace(/#.*/, '')
      .replace(/\[[^\]]*\]/, '')
      .trim();
    const [type, uri, lineSuite] = line.split(/\s+/);
    if (type === 'deb' && uri && /^https?:\/\//.test(uri) && lineSuite && isMainArchive(uri, [lineSuite], suite)) return uri;
  }
  return undefined;
};

/**
 * The Debian mirror this machine's apt already uses for `suite`, read at run time so that no
 * host name is written into the repository. `AMPO_DEBIAN_MIRROR` overrides it.
 */
export const findDebianMirror = (suite: string, aptDirectory = '/etc/apt'): string | undefined => {
  const override = process.env.AMPO_DEBIAN_MIRROR;
  if (override) return override;
  const files: string[] = [join(aptDirectory, 'sources.list')];
  try {
    for (const name of readdirSync(join(aptDirectory, 'sources.list.d')).sort()) files.push(join(aptDirectory, 'sources.list.d', name));
  } catch {}
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    const found = file.endsWith('.sources') ? fromDeb822(text, suite) : file.endsWith('.list') ? fromOneLine(text, suite) : undefined;
    if (found) return found;
  }
  return undefined;
};
