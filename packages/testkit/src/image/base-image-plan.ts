import { AmpoError } from '@ampo/core';

/** What the machine offers for building the worker image's base. */
export interface BuildFacts {
  root: boolean;
  /** Debian or a derivative (apt-get can install debootstrap). */
  debian: boolean;
  debootstrap: boolean;
  /** Whether an image registry answers (asked only when nothing offline can work). */
  registryAnswers: () => Promise<boolean>;
}

/**
 * How to get the base image: `debootstrap` from the Debian mirror apt already uses (offline),
 * `install-debootstrap` first where apt can, else the production `Dockerfile` when a registry
 * answers; otherwise an error that says exactly what to install or run.
 */
export type BaseImagePlan = 'debootstrap' | 'install-debootstrap' | 'dockerfile';

export const planBaseImage = async (facts: BuildFacts, reference: string): Promise<BaseImagePlan> => {
  if (facts.root && facts.debootstrap) return 'debootstrap';
  if (facts.root && facts.debian) return 'install-debootstrap';
  if (await facts.registryAnswers()) return 'dockerfile';
  const offline = facts.root
    ? 'install debootstrap (on Debian or Ubuntu: apt-get install debootstrap; elsewhere your distribution’s debootstrap package)'
    : facts.debootstrap
      ? 'run this as root (debootstrap and chroot need it): sudo npx tsx packages/testkit/src/image/build-test-image.ts'
      : 'install debootstrap and run this as root: sudo apt-get install debootstrap && sudo npx tsx packages/testkit/src/image/build-test-image.ts';
  throw new AmpoError(
    'image-missing',
    `The image ${reference} is missing and cannot be built here: no image registry answers for the production Dockerfile (packages/adapter-docker/worker-image), and building offline needs debootstrap as root. To fix it, ${offline}; or make a registry reachable and run the same command again.`,
  );
};
