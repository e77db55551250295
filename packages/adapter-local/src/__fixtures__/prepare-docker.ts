import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { buildTestImage } from '@ampo/testkit';

const repositoryRoot = fileURLToPath(new URL('../../../../', import.meta.url));

/** Starts an engine if none answers and builds the offline worker image if missing. */
export const prepareDocker = async (): Promise<string> => {
  execFileSync('bash', [`${repositoryRoot}scripts/ensure-docker.sh`], { stdio: ['ignore', 'inherit', 'inherit'] });
  return buildTestImage();
};
