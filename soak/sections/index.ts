import type { SoakSection } from '../section.js';
import { runAuth } from './auth/run-auth.js';
import { runBadInput } from './bad-input/run-bad-input.js';
import { containers } from './containers/index.js';
import { crashes } from './crashes/index.js';
import { faults } from './faults/index.js';
import { load } from './load/index.js';
import { secrets } from './secrets/index.js';

/** Every part of the soak, in the order it runs. Each one adds itself here. */
export const sections: ReadonlyArray<readonly [name: string, run: SoakSection]> = [
  ['crashes', crashes],
  ['secrets', secrets],
  ['containers', containers],
  ['faults', faults],
  ['load', load],
  ['bad-input', runBadInput],
  ['auth', runAuth],
];
