import type { LogChunk } from '@ampo/core/wire';
import type { Page } from 'playwright-core';
import { createLogLines } from '../../../react-ui/src/client/log-lines.js';

/** The log lines a reader of `chunks` should see, folded as the kit folds them. */
export const expectedLogLines = (chunks: readonly LogChunk[]) => {
  const log = createLogLines();
  for (const chunk of chunks) log.push(chunk);
  return log.lines.map((line) => line.text);
};

/**
 * Every line the page's `<LiveLog>` shows, read as a person would: scrolled from the top to the
 * bottom, one screen at a time (only the lines in view are in the page).
 */
export const readLiveLog = (page: Page) =>
  page.evaluate(async () => {
    const viewport = document.querySelector<HTMLElement>('.ampo-live-log__viewport');
    if (!viewport) throw new Error('no live log on the page');
    const frame = () => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
    const seen = new Map<number, string>();
    const collect = () => {
      for (const row of viewport.querySelectorAll<HTMLElement>('[data-line]'))
        seen.set(Number(row.dataset.line), row.querySelector('.ampo-live-log__text')?.textContent ?? '');
    };
    viewport.scrollTop = 0;
    await frame();
    for (let top = 0; top <= viewport.scrollHeight; top += Math.max(1, viewport.clientHeight - 20)) {
      viewport.scrollTop = top;
      await frame();
      collect();
    }
    viewport.scrollTop = viewport.scrollHeight;
    await frame();
    collect();
    const numbers = [...seen.keys()].sort((a, b) => a - b);
    return { numbers, lines: numbers.map((number) => seen.get(number) ?? ''), count: Number(viewport.dataset.lineCount) };
  });
