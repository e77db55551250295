import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import { withFileLock } from './file-lock.js';

/** The local equivalent of a pull request: what a person should review, where. */
export const ReviewRequest = z.object({
  number: z.number().int().positive(),
  repo: z.string(),
  taskId: z.string(),
  base: z.string(),
  head: z.string(),
  title: z.string(),
  body: z.string(),
  draft: z.boolean(),
  comments: z.array(z.object({ at: z.string(), body: z.string() })),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type ReviewRequest = z.infer<typeof ReviewRequest>;

const ReviewFile = z.object({ version: z.literal(1), reviews: z.array(ReviewRequest) });

/**
 * Review requests kept in one JSON file, written atomically (temp file + rename) so a crash never
 * leaves half a file. Updates are serialised within the process and, by a lock file, across the
 * processes that share it (several server instances on one data directory).
 */
export const createReviewRequestFile = (path: string) => {
  let chain: Promise<unknown> = Promise.resolve();
  const read = async (): Promise<ReviewRequest[]> => {
    try {
      return ReviewFile.parse(JSON.parse(await readFile(path, 'utf8'))).reviews;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw new Error(`The review request file ${path} is unreadable; move it away to start afresh.`, { cause: error });
    }
  };
  const write = async (reviews: ReviewRequest[]) => {
    await mkdir(dirname(path), { recursive: true });
    const temporary = `${path}.${process.pid}.tmp`;
    await writeFile(temporary, `${JSON.stringify({ version: 1, reviews }, null, 2)}\n`);
    await rename(temporary, path);
  };
  /** Runs `change` on the current list and saves what it returns, one call at a time. */
  const update = <T>(change: (reviews: ReviewRequest[]) => { reviews: ReviewRequest[]; result: T }): Promise<T> => {
    const next = chain.then(() =>
      withFileLock(path, async () => {
        const { reviews, result } = change(await read());
        await write(reviews);
        return result;
      }),
    );
    chain = next.catch(() => undefined);
    return next;
  };
  return { read: () => chain.then(read), update };
};
