export interface FailedStep {
  /** The step's command, from its `##[group]Run …` line. */
  step: string;
  text: string;
}

/**
 * The failed steps of a GitHub Actions job log: the sections that start at a `##[group]Run …`
 * line and hold an `##[error]` line. Empty when `text` is not such a log, so that passing steps'
 * output (warnings, skipped tests) never turns into failures.
 */
export const failedGithubSteps = (text: string): FailedStep[] => {
  const lines = text.split('\n');
  const starts = lines.flatMap((line, index) => (/^##\[group\]Run /.test(line) ? [index] : []));
  return starts.flatMap((start, position) => {
    const section = lines.slice(start, starts[position + 1] ?? lines.length);
    if (!section.some((line) => line.startsWith('##[error]'))) return [];
    return [{ step: (lines[start] ?? '').replace(/^##\[group\]Run /, '').trim(), text: section.join('\n') }];
  });
};
