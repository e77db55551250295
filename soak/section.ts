/** One part of `npm run soak`: it attacks the assembled server one way and returns its figures. */
export interface SoakOptions {
  /** The short form that CI runs: fewer rounds, the same checks. */
  quick: boolean;
  /** A progress line for a person (stderr); figures are returned, never printed here. */
  progress(message: string): void;
}

/**
 * `name → value`, printed as `name=value`. Totals the runner sums across sections use the names
 * the issue gives: soak.tasks.total, soak.tasks.lost, soak.tasks.wrong, soak.pushes.duplicate,
 * soak.pull_requests.duplicate, soak.containers.orphaned, soak.events.gaps, soak.responses.5xx,
 * soak.auth.bypassed, soak.secrets.leaked.
 */
export type SoakFigures = Record<string, number>;

export type SoakSection = (options: SoakOptions) => Promise<SoakFigures>;
