import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { buildTestImage } from './build-test-image.js';

const ensureDockerScript = fileURLToPath(new URL('../../../../scripts/ensure-docker.sh', import.meta.url));

/** For tests: starts an engine if none answers, builds the offline worker image if missing, returns its reference. */
export const prepareDocker = async (): Promise<string> => {
  execFileSync('bash', [ensureDockerScript], { stdio: ['ignore', 'inherit', 'inherit'] });
  return buildTestImage();
};

/** Ids of containers (any state) carrying the label `key=value`, straight from the engine's CLI. */
export const containersLabelled = (label: string): string[] =>
  execFileSync('docker', ['ps', '--all', '--quiet', '--filter', `label=${label}`], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => line.length > 0);
