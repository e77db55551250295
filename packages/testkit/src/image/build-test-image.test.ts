import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildTestImage, testImageName, testImageReference } from './build-test-image.js';

const ensureDocker = fileURLToPath(new URL('../../../../scripts/ensure-docker.sh', import.meta.url));
const inImage = (image: string, script: string) =>
  execFileSync('docker', ['run', '--rm', '--network', 'none', image, 'sh', '-c', script], { encoding: 'utf8' });

let image: string;

beforeAll(async () => {
  execFileSync('bash', [ensureDocker], { stdio: ['ignore', 'inherit', 'inherit'] });
  image = await buildTestImage();
}, 600_000);

describe('buildTestImage', () => {
  it('tags the image by the content hash of its recipe and reuses it', async () => {
    expect(image).toBe(testImageReference());
    expect(image).toMatch(new RegExp(`^${testImageName}:[0-9a-f]{16}$`));
    expect(await buildTestImage()).toBe(image);
    const latest = execFileSync('docker', ['image', 'inspect', '--format', '{{.Id}}', `${testImageName}:latest`], { encoding: 'utf8' });
    const built = execFileSync('docker', ['image', 'inspect', '--format', '{{.Id}}', image], { encoding: 'utf8' });
    expect(latest).toBe(built);
  });

  it('runs as the non-root agent user in /workspace, with git, node and the scripted agent', () => {
    const output = inImage(
      image,
      'id -u; id -un; pwd; stat -c %U /workspace; echo $HOME; git --version >/dev/null && echo git; node -e "console.log(\'node\')"; test -x "$(command -v ampo-scripted-agent)" && echo agent',
    );
    expect(output).toBe('1000\nagent\n/workspace\nagent\n/home/agent\ngit\nnode\nagent\n');
  });

  it('can verify TLS (ca-certificates) and keeps no apt archives', () => {
    expect(inImage(image, 'test -s /etc/ssl/certs/ca-certificates.crt && echo ok; ls /var/cache/apt/archives | grep -c deb || true')).toBe(
      'ok\n0\n',
    );
  });
});
