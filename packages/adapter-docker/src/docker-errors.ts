import { AmpoError } from '@ampo/core';

interface DockerErrorShape {
  statusCode?: number;
  code?: string;
  message?: string;
  json?: { message?: string } | null;
}

const unreachableCodes = new Set(['ENOENT', 'ECONNREFUSED', 'ECONNRESET', 'EACCES', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'ETIMEDOUT']);

const defaultEngineAddress = () => process.env.DOCKER_HOST || 'unix:///var/run/docker.sock';

// Raised by this side while checking the engine's certificate.
const untrustedEngineCodes = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_SIGNATURE_FAILURE',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** A TLS failure as a message a person can act on, or undefined when the error is not one. */
const describeTlsFailure = (code: string, engine: string, doing: string, cause: unknown): AmpoError | undefined => {
  if (untrustedEngineCodes.has(code)) {
    return new AmpoError(
      'unavailable',
      `The Docker engine at ${engine} presented a certificate this client does not trust (${code}) while trying to ${doing}: the CA in ca.pem (DOCKER_CERT_PATH or engine.tls.ca) must have signed it, and it must name the host you connect to.`,
      { cause, retryable: false },
    );
  }
  // An alert the engine sent: it refused this client's certificate (or the lack of one).
  if (/^ERR_SSL_.*ALERT/.test(code)) {
    return new AmpoError(
      'unauthorized',
      `The Docker engine at ${engine} refused this client's TLS certificate (${code}) while trying to ${doing}: it wants a client certificate signed by its CA, in cert.pem and key.pem (DOCKER_CERT_PATH or engine.tls.cert and engine.tls.key).`,
      { cause },
    );
  }
  if (code === 'ERR_SSL_WRONG_VERSION_NUMBER' || code === 'ERR_SSL_PACKET_LENGTH_TOO_LONG') {
    return new AmpoError(
      'unavailable',
      `The Docker engine at ${engine} does not speak TLS on that port (${code}) while trying to ${doing}: unset DOCKER_TLS_VERIFY (or engine.tls), or use the engine's TLS port.`,
      { cause, retryable: false },
    );
  }
  if (code.startsWith('ERR_OSSL_')) {
    return new AmpoError(
      'invalid-input',
      `The TLS material for the Docker engine at ${engine} cannot be used (${code}) while trying to ${doing}: check that key.pem is the private key of cert.pem, unencrypted, in PEM.`,
      { cause },
    );
  }
  return undefined;
};

/** True when the error says the engine could not be reached at all. */
export const isEngineUnreachable = (error: unknown): boolean => {
  const shape = (error ?? {}) as DockerErrorShape;
  return typeof shape.code === 'string' && unreachableCodes.has(shape.code) && shape.statusCode === undefined;
};

export const isNotFound = (error: unknown): boolean => ((error ?? {}) as DockerErrorShape).statusCode === 404;

/** Maps a dockerode error onto an AmpoError a person can act on. `doing` says what failed; `engine` is the engine's address. */
export const toAmpoError = (error: unknown, doing: string, context: { image?: string; engine?: string | undefined } = {}): AmpoError => {
  if (AmpoError.isInstance(error)) return error;
  const shape = (error ?? {}) as DockerErrorShape;
  const detail = shape.json?.message ?? shape.message ?? String(error);
  const engine = context.engine ?? defaultEngineAddress();
  const tlsFailure = typeof shape.code === 'string' ? describeTlsFailure(shape.code, engine, doing, error) : undefined;
  if (tlsFailure) return tlsFailure;
  if (shape.statusCode === 400 && /HTTP request to an HTTPS server/i.test(detail)) {
    return new AmpoError(
      'unavailable',
      `The Docker engine at ${engine} wants TLS while trying to ${doing}: set DOCKER_TLS_VERIFY=1 and DOCKER_CERT_PATH (or engine.tls).`,
      { cause: error, retryable: false },
    );
  }
  if (isEngineUnreachable(error)) {
    return new AmpoError(
      'unavailable',
      `No Docker engine answers at ${engine} (${shape.code}) while trying to ${doing}. Start one: on Debian as root run \`bash scripts/ensure-docker.sh\`; elsewhere \`sudo systemctl start docker\`; or point DOCKER_HOST at a running engine.`,
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
