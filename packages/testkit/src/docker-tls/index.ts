export { type DockerTlsCertificates, generateDockerTlsCertificates } from './generate-tls-certificates.js';
export { startTlsDockerd, type TlsDockerd } from './start-tls-dockerd.js';
