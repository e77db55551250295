import type { Canary } from './canaries.js';

/** A place the soak searched: a name for the report and its text. */
export interface Searched {
  place: string;
  text: string;
}

/** One hit per (place, canary) whose text holds any form of the canary. */
export const findLeaks = (canaries: readonly Canary[], places: readonly Searched[]) => {
  const hits: Array<{ place: string; canary: string }> = [];
  for (const { place, text } of places)
    for (const secret of canaries)
      if (secret.forms.some((form) => form.length >= 6 && text.includes(form))) hits.push({ place, canary: secret.name });
  return hits;
};
