import type { CreateTask } from '../domain/task.js';

const slugOf = (text: string) =>
  text
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/, '');

/** The branch a task pushes: `ampo/<first 8 of the id>-<slug of the title or prompt>`. */
export const branchFor = (taskId: string, request: Pick<CreateTask, 'title' | 'prompt'>): string => {
  const slug = slugOf(request.title ?? request.prompt.split('\n')[0] ?? '');
  return `ampo/${taskId.slice(0, 8)}${slug ? `-${slug}` : ''}`;
};
