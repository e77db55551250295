import { describe, expect, it } from 'vitest';
import { type BuildFacts, planBaseImage } from './base-image-plan.js';

const facts = (overrides: Partial<Omit<BuildFacts, 'registryAnswers'>>, registry = false): BuildFacts & { asked: number } => {
  const result = {
    root: true,
    debian: true,
    debootstrap: true,
    asked: 0,
    registryAnswers: async () => {
      result.asked++;
      return registry;
    },
    ...overrides,
  };
  return result;
};

describe('planBaseImage', () => {
  it('builds offline with debootstrap when it is there, without asking any registry', async () => {
    const machine = facts({});
    expect(await planBaseImage(machine, 'ampo-test-worker-base:x')).toBe('debootstrap');
    expect(machine.asked).toBe(0);
  });

  it('installs debootstrap first on Debian as root, where a Docker engine already runs without it', async () => {
    const machine = facts({ debootstrap: false });
    expect(await planBaseImage(machine, 'ampo-test-worker-base:x')).toBe('install-debootstrap');
    expect(machine.asked).toBe(0);
  });

  it('uses the production Dockerfile elsewhere when a registry answers', async () => {
    expect(await planBaseImage(facts({ debian: false, debootstrap: false }, true), 'b')).toBe('dockerfile');
    expect(await planBaseImage(facts({ root: false }, true), 'b')).toBe('dockerfile');
  });

  it.each([
    [{ debian: false, debootstrap: false }, 'install debootstrap (on Debian or Ubuntu: apt-get install debootstrap'],
    [{ root: false }, 'run this as root (debootstrap and chroot need it): sudo npx tsx'],
    [
      { root: false, debootstrap: false },
      'sudo apt-get install debootstrap && sudo npx tsx packages/testkit/src/image/build-test-image.ts',
    ],
  ])('says exactly what to install when nothing works (%o)', async (overrides, advice) => {
    const failure = planBaseImage(facts(overrides, false), 'ampo-test-worker-base:x');
    await expect(failure).rejects.toMatchObject({ code: 'image-missing' });
    await expect(failure).rejects.toThrow(advice);
    await expect(failure).rejects.toThrow('The image ampo-test-worker-base:x is missing');
  });
});
