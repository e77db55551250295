import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Files written by {@link generateDockerTlsCertificates}, all PEM. */
export interface DockerTlsCertificates {
  /** The CA that signed the server and client certificates. */
  caCertificate: string;
  serverCertificate: string;
  serverKey: string;
  /** A DOCKER_CERT_PATH directory: ca.pem, cert.pem and key.pem of a client the engine accepts. */
  clientDirectory: string;
  /** A DOCKER_CERT_PATH directory whose ca.pem is another CA (its client cert is the good one). */
  wrongCaDirectory: string;
}

const openssl = (args: string[]) => execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });

const newKey = (path: string) => openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', path]);

const newCa = (directory: string, name: string) => {
  const key = join(directory, `${name}-key.pem`);
  const certificate = join(directory, `${name}.pem`);
  newKey(key);
  openssl(['req', '-x509', '-new', '-key', key, '-sha256', '-days', '2', '-subj', `/CN=${name}`, '-out', certificate]);
  return { key, certificate };
};

const signedBy = (ca: { key: string; certificate: string }, directory: string, name: string, extensions: string) => {
  const key = join(directory, `${name}-key.pem`);
  const request = join(directory, `${name}.csr`);
  const certificate = join(directory, `${name}-cert.pem`);
  const extensionsFile = join(directory, `${name}.ext`);
  newKey(key);
  openssl(['req', '-new', '-key', key, '-subj', `/CN=${name}`, '-out', request]);
  writeFileSync(extensionsFile, extensions);
  openssl([
    'x509',
    '-req',
    '-in',
    request,
    '-CA',
    ca.certificate,
    '-CAkey',
    ca.key,
    '-CAcreateserial',
    '-days',
    '2',
    '-sha256',
    '-extfile',
    extensionsFile,
    '-out',
    certificate,
  ]);
  return { key, certificate };
};

/**
 * A CA, a server certificate for 127.0.0.1 (the only address test engines listen on), a client
 * certificate, and a second CA that signed nothing the engine presents. Short-lived (2 days).
 */
export const generateDockerTlsCertificates = (directory: string): DockerTlsCertificates => {
  mkdirSync(directory, { recursive: true, mode: 0o700 });
  const ca = newCa(directory, 'ampo-test-ca');
  const other = newCa(directory, 'ampo-test-other-ca');
  const server = signedBy(ca, directory, 'server', 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  const client = signedBy(ca, directory, 'client', 'extendedKeyUsage=clientAuth\n');
  const clientDirectory = join(directory, 'client');
  const wrongCaDirectory = join(directory, 'wrong-ca');
  for (const [target, caFile] of [
    [clientDirectory, ca.certificate],
    [wrongCaDirectory, other.certificate],
  ] as const) {
    mkdirSync(target, { mode: 0o700 });
    copyFileSync(caFile, join(target, 'ca.pem'));
    copyFileSync(client.certificate, join(target, 'cert.pem'));
    copyFileSync(client.key, join(target, 'key.pem'));
  }
  return { caCertificate: ca.certificate, serverCertificate: server.certificate, serverKey: server.key, clientDirectory, wrongCaDirectory };
};
