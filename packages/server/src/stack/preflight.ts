import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { AmpoErrorCode } from '@ampo/core';
import type { DockerEngine } from './embedded-stack-settings.js';

/** Something the stack needs and does not have, said so that a person can fix it. */
export interface PreflightProblem {
  code: AmpoErrorCode;
  message: string;
}

interface DockerErrorShape {
  statusCode?: number;
  code?: string;
  message?: string;
}

const defaultEngineAddress = () => process.env.DOCKER_HOST || 'unix:///var/run/docker.sock';

/** Where the worker image's Dockerfile is in the installed @ampo/adapter-docker. */
const workerImageDirectory = (): string => {
  try {
    return join(dirname(createRequire(import.meta.url).resolve('@ampo/adapter-docker/package.json')), 'worker-image');
  } catch {
    return 'node_modules/@ampo/adapter-docker/worker-image';
  }
};

const checkEngine = async (docker: DockerEngine, address: string): Promise<PreflightProblem | undefined> => {
  try {
    await docker.ping();
    return undefined;
  } catch (error) {
    const shape = (error ?? {}) as DockerErrorShape;
    return {
      code: 'unavailable',
      message: `No Docker engine answers at ${address} (${shape.code ?? shape.message ?? String(error)}). Start one (\`sudo systemctl start docker\`; on Debian as root, \`bash scripts/ensure-docker.sh\` from a clone of ampo), or point DOCKER_HOST (or --docker-host) at a running engine.`,
    };
  }
};

const checkImage = async (docker: DockerEngine, image: string): Promise<PreflightProblem | undefined> => {
  try {
    await docker.getImage(image).inspect();
    return undefined;
  } catch (error) {
    const shape = (error ?? {}) as DockerErrorShape;
    if (shape.statusCode !== 404) {
      return { code: 'unavailable', message: `Could not look up the worker image ${image}: ${shape.message ?? String(error)}.` };
    }
    return {
      code: 'image-missing',
      message: [
        `The worker image ${image} is not on this Docker engine. Build it (Node 20, git and the pinned Amp, Claude Code and Codex CLIs):`,
        `    docker build -t ${image} ${workerImageDirectory()}`,
        '  or, with no registry at hand, from a clone of ampo as root (git, Node and the scripted agent, no real agent CLIs):',
        '    npx tsx packages/testkit/src/image/build-test-image.ts',
        '  and pass the image it prints with --image (AMPO_IMAGE).',
      ].join('\n'),
    };
  }
};

const checkGit = (): Promise<PreflightProblem | undefined> =>
  new Promise((resolve) => {
    const problem: PreflightProblem = {
      code: 'unavailable',
      message: 'git is not installed, and local mode serves repositories with `git http-backend`: install git (`apt-get install git`).',
    };
    const child = spawn('git', ['--exec-path'], { stdio: 'ignore' });
    child.on('error', () => resolve(problem));
    child.on('close', (code) => resolve(code === 0 ? undefined : problem));
  });

/**
 * What the embedded stack needs before it starts: a Docker engine that answers, the worker image
 * on it, and (in local mode) git. Every problem is returned at once, each with how to fix it.
 */
export const preflight = async (settings: {
  docker: DockerEngine;
  image: string;
  localMode: boolean;
  /** Names the engine in messages. @default DOCKER_HOST, else the local socket */
  engineAddress?: string;
}): Promise<PreflightProblem[]> => {
  const engine = await checkEngine(settings.docker, settings.engineAddress ?? defaultEngineAddress());
  const problems = [
    engine,
    engine ? undefined : await checkImage(settings.docker, settings.image),
    settings.localMode ? await checkGit() : undefined,
  ];
  return problems.filter((problem): problem is PreflightProblem => problem !== undefined);
};
