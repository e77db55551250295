import type { SoakSection } from '../section.js';
import { runAuth } from './auth/run-auth.js';
import { runBadInput } from './bad-input/run-bad-input.js';

/** Every part of the soak, in the order it runs. Each one adds itself here. */
export const sections: ReadonlyArray<readonly [name: string, run: SoakSection]> = [
  ['bad-input', runBadInput],
  ['auth', runAuth],
];
