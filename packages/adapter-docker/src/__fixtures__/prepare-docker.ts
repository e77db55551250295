import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { buildTestImage } from '@ampo/testkit';

const repositoryRoot = fileURLToPath(new URL('../../../../', import.meta.url));

/** Starts an engine if none answers and builds the offline worker image if missing; returns its reference. */
export const prepareDocker = async (): Promise<string> => {
  execFileSync('bash', [`${repositoryRoot}scripts/ensure-docker.sh`], { stdio: ['ignore', 'inherit', 'inherit'] });
  return buildTestImage();
};

/** Names of containers (any state) carrying the label, straight from the engine's CLI. */
export const containersLabelled = (label: string): string[] =>
  execFileSync('docker', ['ps', '--all', '--quiet', '--filter', `label=${label}`], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => line.length > 0);
