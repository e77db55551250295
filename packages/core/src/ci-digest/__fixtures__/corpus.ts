import { readdirSync, readFileSync } from 'node:fs';

/** Where the fixtures' commands ran (regenerate.sh's `$SAMPLES`): paths below it are the sample's own. */
export const samplesDirectory = '/tmp/ampo-ci-digest-samples';

export interface CorpusEntry {
  /** `tool/file`, relative to `__fixtures__/`. */
  name: string;
  output: string;
  /** The exit code the README records for the command (1 when it names none, as for a report file). */
  exitCode: number;
  /** The directory the command ran in, when the README names it. */
  workdir?: string;
}

const root = new URL('./', import.meta.url);

/** Every fixture with the exit code and working directory its folder's README records. */
export const readCorpus = (): CorpusEntry[] =>
  readdirSync(root, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && entry.name !== 'samples')
    .flatMap((folder) => {
      const readme = readFileSync(new URL(`${folder.name}/README.md`, root), 'utf8').split('\n');
      return readdirSync(new URL(`${folder.name}/`, root))
        .filter((file) => !file.endsWith('.md'))
        .sort()
        .map((file): CorpusEntry => {
          const line = readme.find((entry) => entry.startsWith(`- \`${file}\``)) ?? '';
          const directory = /`cd \$SAMPLES\/(\S+) &&/.exec(line)?.[1];
          return {
            name: `${folder.name}/${file}`,
            output: readFileSync(new URL(`${folder.name}/${file}`, root), 'utf8'),
            exitCode: Number(/\(exit (\d+)\)/.exec(line)?.[1] ?? 1),
            ...(directory ? { workdir: `${samplesDirectory}/${directory}` } : {}),
          };
        });
    });
