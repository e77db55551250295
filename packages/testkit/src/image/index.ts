export { agentCliPackages, type BuildTestImageOptions, buildTestImage, testImageName, testImageReference } from './build-test-image.js';
export { findDebianMirror } from './debian-mirror.js';
export { containersLabelled, prepareDocker } from './prepare-docker.js';
