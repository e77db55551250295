import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AmpoError } from '@ampo/core';
import { afterAll, describe, expect, it } from 'vitest';
import { createDockerEngineClient } from './docker-engine-client.js';
import { parseDockerHost, resolveDockerEngine } from './docker-engine-connection.js';

const certDirectory = mkdtempSync(join(tmpdir(), 'ampo-engine-settings-'));
const pem = (label: string, body: string) => `-----BEGIN ${label}-----\n${body}\n-----END ${label}-----\n`;
const secretKeyBody = 'c2VjcmV0LWtleS1tYXRlcmlhbC1uZXZlci1pbi1tZXNzYWdlcw==';
writeFileSync(join(certDirectory, 'ca.pem'), pem('CERTIFICATE', 'Y2E='));
writeFileSync(join(certDirectory, 'cert.pem'), pem('CERTIFICATE', 'Y2VydA=='));
writeFileSync(join(certDirectory, 'key.pem'), pem('PRIVATE KEY', secretKeyBody));
const incomplete = mkdtempSync(join(tmpdir(), 'ampo-engine-settings-incomplete-'));
writeFileSync(join(incomplete, 'ca.pem'), pem('CERTIFICATE', 'Y2E='));
writeFileSync(join(incomplete, 'cert.pem'), 'not a pem at all');

afterAll(() => {
  rmSync(certDirectory, { recursive: true, force: true });
  rmSync(incomplete, { recursive: true, force: true });
});

/** The AmpoError `fn` throws; fails the test when it throws something else or nothing. */
const thrown = (fn: () => unknown): AmpoError => {
  try {
    fn();
  } catch (error) {
    if (AmpoError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected an AmpoError');
};

describe('parseDockerHost', () => {
  it('reads unix sockets, defaulting an empty path like the CLI', () => {
    expect(parseDockerHost('unix:///run/user/1000/docker.sock', 'DOCKER_HOST')).toEqual({
      kind: 'unix',
      socketPath: '/run/user/1000/docker.sock',
    });
    expect(parseDockerHost('unix://', 'DOCKER_HOST')).toEqual({ kind: 'unix', socketPath: '/var/run/docker.sock' });
  });

  it('reads tcp hosts with and without a port, IPv6 included', () => {
    expect(parseDockerHost('tcp://build-1.internal:2376', 'DOCKER_HOST')).toEqual({ kind: 'tcp', host: 'build-1.internal', port: 2376 });
    expect(parseDockerHost('tcp://127.0.0.1', 'DOCKER_HOST')).toEqual({ kind: 'tcp', host: '127.0.0.1' });
    expect(parseDockerHost('tcp://[::1]:2376/', 'DOCKER_HOST')).toEqual({ kind: 'tcp', host: '::1', port: 2376 });
  });

  it.each([
    ['127.0.0.1:2376', /not an engine address: use tcp:\/\/host:port/],
    ['http://127.0.0.1:2376', /not an engine address/],
    ['tcp://', /not a valid tcp:\/\/ address|names no host/],
    ['tcp://127.0.0.1:99999', /not a valid tcp:\/\/ address/],
    ['tcp://127.0.0.1:2376/v1.41', /only hold a host and a port/],
    ['tcp://user:secret@127.0.0.1:2376', /only hold a host and a port/],
    ['unix://relative.sock', /absolute socket path/],
    ['ssh://me@build-1', /ssh:\/\/ engines are not supported/],
  ])('refuses DOCKER_HOST=%s with invalid-input', (value, message) => {
    const error = thrown(() => resolveDockerEngine({}, { DOCKER_HOST: value }));
    expect(error.code).toBe('invalid-input');
    expect(error.message).toMatch(message);
    expect(error.message).toContain('DOCKER_HOST');
    expect(error.message).not.toContain('secret');
  });
});

describe('resolveDockerEngine', () => {
  it('defaults to the local socket, and treats an empty DOCKER_HOST as unset', () => {
    for (const env of [{}, { DOCKER_HOST: '' }]) {
      const connection = resolveDockerEngine({}, env);
      expect(connection.address).toBe('unix:///var/run/docker.sock');
      expect(connection.options).toMatchObject({ socketPath: '/var/run/docker.sock', host: undefined, protocol: 'http', key: undefined });
    }
  });

  it('reads DOCKER_HOST, DOCKER_TLS_VERIFY and DOCKER_CERT_PATH as the CLI does', () => {
    const connection = resolveDockerEngine(
      {},
      { DOCKER_HOST: 'tcp://127.0.0.1:12376', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: certDirectory },
    );
    expect(connection.address).toBe('tcp://127.0.0.1:12376 (TLS)');
    expect(connection.options).toMatchObject({ socketPath: undefined, host: '127.0.0.1', port: 12376, protocol: 'https' });
    expect(connection.options.key?.toString()).toContain(secretKeyBody);
    expect(connection.options.ca?.toString()).toContain('BEGIN CERTIFICATE');
    // The CLI's default ports: 2376 with TLS, 2375 without.
    expect(
      resolveDockerEngine({}, { DOCKER_HOST: 'tcp://10.1.2.3', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: certDirectory }).options.port,
    ).toBe(2376);
    expect(resolveDockerEngine({}, { DOCKER_HOST: 'tcp://10.1.2.3' }).options).toMatchObject({
      port: 2375,
      protocol: 'http',
      ca: undefined,
    });
  });

  it('never puts key material into the address', () => {
    const connection = resolveDockerEngine(
      {},
      { DOCKER_HOST: 'tcp://127.0.0.1:1', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: certDirectory },
    );
    expect(JSON.stringify(connection.address)).not.toContain(secretKeyBody);
  });

  it('lets explicit settings override the environment, field by field', () => {
    const env = { DOCKER_HOST: 'tcp://10.9.9.9:2376', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: '/nonexistent/ampo-certs' };
    const explicit = resolveDockerEngine(
      { host: 'tcp://127.0.0.1:3000', tls: { ca: 'CA PEM', cert: 'CERT PEM', key: Buffer.from('KEY PEM') } },
      env,
    );
    expect(explicit.options).toMatchObject({ host: '127.0.0.1', port: 3000, protocol: 'https' });
    expect(explicit.options.ca?.toString()).toBe('CA PEM');
    expect(explicit.options.key?.toString()).toBe('KEY PEM');
    const fromDirectory = resolveDockerEngine({ tls: { certPath: certDirectory } }, env);
    expect(fromDirectory.address).toBe('tcp://10.9.9.9:2376 (TLS)');
    const plain = resolveDockerEngine({ host: 'tcp://127.0.0.1:2375', tls: false }, env);
    expect(plain.options).toMatchObject({ protocol: 'http', ca: undefined, cert: undefined, key: undefined });
    // A socket given explicitly ignores the environment's TLS, whose files are not even read.
    expect(resolveDockerEngine({ host: 'unix:///var/run/docker.sock' }, env).options).toMatchObject({
      socketPath: '/var/run/docker.sock',
      host: undefined,
      protocol: 'http',
    });
    // Only the CA: the engine decides whether it wants a client certificate.
    expect(resolveDockerEngine({ host: 'tcp://127.0.0.1:1', tls: { ca: 'CA PEM' } }, {}).options).toMatchObject({
      protocol: 'https',
      cert: undefined,
      key: undefined,
    });
  });

  it('names a missing certificate file and the variable it came from', () => {
    const error = thrown(() =>
      resolveDockerEngine({}, { DOCKER_HOST: 'tcp://127.0.0.1:2376', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: incomplete }),
    );
    expect(error.code).toBe('invalid-input');
    expect(error.message).toContain('not a PEM file');
    expect(error.message).toContain(join(incomplete, 'cert.pem'));
    writeFileSync(join(incomplete, 'cert.pem'), pem('CERTIFICATE', 'Y2VydA=='));
    const missingKey = thrown(() =>
      resolveDockerEngine({}, { DOCKER_HOST: 'tcp://127.0.0.1:2376', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: incomplete }),
    );
    expect(missingKey.message).toContain(`${join(incomplete, 'key.pem')} (from DOCKER_CERT_PATH) cannot be read (ENOENT)`);
    const explicit = thrown(() => resolveDockerEngine({ host: 'tcp://127.0.0.1:2376', tls: { certPath: '/nonexistent/ampo-certs' } }, {}));
    expect(explicit.message).toContain('/nonexistent/ampo-certs/ca.pem (from engine.tls.certPath) cannot be read (ENOENT)');
  });

  it('refuses TLS verification without a certificate directory', () => {
    const error = thrown(() => resolveDockerEngine({}, { DOCKER_HOST: 'tcp://127.0.0.1:2376', DOCKER_TLS_VERIFY: '1' }));
    expect(error.code).toBe('invalid-input');
    expect(error.message).toContain('DOCKER_TLS_VERIFY is set but DOCKER_CERT_PATH is not');
    // Like the CLI, any non-empty value turns verification on.
    expect(thrown(() => resolveDockerEngine({}, { DOCKER_HOST: 'tcp://127.0.0.1:2376', DOCKER_TLS_VERIFY: '0' })).code).toBe(
      'invalid-input',
    );
  });

  it('refuses inconsistent explicit TLS', () => {
    expect(thrown(() => resolveDockerEngine({ host: 'tcp://127.0.0.1:1', tls: { ca: 'CA', cert: 'CERT' } }, {})).message).toContain(
      'go together',
    );
    expect(thrown(() => resolveDockerEngine({ host: 'tcp://127.0.0.1:1', tls: { ca: '' } }, {})).message).toContain('tls.ca is required');
    expect(thrown(() => resolveDockerEngine({ host: 'unix:///var/run/docker.sock', tls: { ca: 'CA' } }, {})).message).toContain(
      'engine.tls is for tcp:// hosts',
    );
  });
});

describe('createDockerEngineClient', () => {
  it('gives dockerode every connection field, so its own reading of the environment cannot win', () => {
    const { docker, address } = createDockerEngineClient({ host: 'unix:///tmp/ampo-no-such.sock' }, {});
    const modem = (docker as unknown as { modem: { socketPath?: string; host?: string; protocol?: string } }).modem;
    expect(address).toBe('unix:///tmp/ampo-no-such.sock');
    expect(modem).toMatchObject({ socketPath: '/tmp/ampo-no-such.sock', host: undefined, protocol: 'http' });
  });
});
