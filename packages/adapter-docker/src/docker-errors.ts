import { AmpoError } from '@ampo/core';

interface DockerErrorShape {
  statusCode?: number;
  code?: string;
  message?: string;
  json?: { message?: string } | null;
}

const unreachableCodes = new Set(['ENOENT', 'ECONNREFUSED', 'ECONNRESET', 'EACCES', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'ETIMEDOUT']);

const engineAddress = () => process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock';

/** True when the error says the engine could not be reached at all. */
export const isEngineUnreachable = (error: unknown): boolean => {
  const shape = (error ?? {}) as DockerErrorShape;
  return typeof shape.code === 'string' && unreachableCodes.has(shape.code) && shape.statusCode === undefined;
};

export const isNotFound = (error: unknown): boolean => ((error ?? {}) as DockerErrorShape).statusCode === 404;

/** Maps a dockerode error onto an AmpoError a person can act on. `doing` says what failed. */
export const toAmpoError = (error: unknown, doing: string, context: { image?: string } = {}): AmpoError => {
  if (AmpoError.isInstance(error)) return error;
  const shape = (error ?? {}) as DockerErrorShape;
  const detail = shape.json?.message ?? shape.message ?? String(error);
  if (isEngineUnreachable(error)) {
    return new AmpoError(
      'unavailable',
      `No Docker engine answers at ${engineAddress()} (${shape.code}) while trying to ${doing}. Start one: on Debian as root run \`bash scripts/ensure-docker.sh\`; elsewhere \`sudo systemctl start docker\`; or point DOCKER_HOST at a running engine.`,
      { cause: error },
    );
  }
  if (shape.statusCode === 404 && /no such image|pull access denied|not found: manifest unknown/i.test(detail)) {
    const image = context.image ?? 'the worker image';
    return new AmpoError(
      'image-missing',
      `The image ${image} is not on this Docker engine. Build it: \`docker build -t ${image} packages/adapter-docker/worker-image\`, or with no registry \`npx tsx packages/testkit/src/image/build-test-image.ts\`.`,
      { cause: error, details: { image } },
    );
  }
  if (shape.statusCode === 404) return new AmpoError('not-found', `Could not ${doing}: ${detail}`, { cause: error });
  if (shape.statusCode === 409) return new AmpoError('conflict', `Could not ${doing}: ${detail}`, { cause: error });
  return new AmpoError('runtime-error', `Could not ${doing}: ${detail}`, {
    cause: error,
    retryable: shape.statusCode !== undefined && shape.statusCode >= 500,
  });
};
