import type { SoakSection } from '../section.js';
import { crashes } from './crashes/index.js';

/** Every part of the soak, in the order it runs. Each one adds itself here. */
export const sections: ReadonlyArray<readonly [name: string, run: SoakSection]> = [['crashes', crashes]];
