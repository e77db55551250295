/** Where a command writes and how it ends the process; `main.ts` passes the real ones. */
export interface CliIo {
  /** A line for stdout: what the command produces. */
  out(line: string): void;
  /** A line for stderr: problems and progress notes. */
  err(line: string): void;
  env: NodeJS.ProcessEnv;
  exit(code: number): never;
}

/** What a command returns: an exit code, or `running` when it serves until a signal. */
export type CommandResult = number | 'running';
