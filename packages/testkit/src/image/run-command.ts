import { spawn } from 'node:child_process';

export interface CommandResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command without a shell and collects its output (kept to the last 64 KiB each). */
export const runCommand = (
  command: string,
  args: readonly string[],
  options: { input?: NodeJS.ReadableStream; cwd?: string } = {},
): Promise<CommandResult> =>
  new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, stdio: [options.input ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const keep = (text: string) => (text.length > 65_536 ? text.slice(-65_536) : text);
    child.stdout?.setEncoding('utf8').on('data', (text: string) => {
      stdout = keep(stdout + text);
    });
    child.stderr?.setEncoding('utf8').on('data', (text: string) => {
      stderr = keep(stderr + text);
    });
    if (options.input && child.stdin) options.input.pipe(child.stdin);
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });

/** Like {@link runCommand} but throws with the command's stderr when it fails. */
export const runChecked = async (
  command: string,
  args: readonly string[],
  options: { input?: NodeJS.ReadableStream; cwd?: string } = {},
): Promise<string> => {
  const result = await runCommand(command, args, options);
  if (result.code !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${result.code}: ${result.stderr.trim().slice(-2000)}`);
  return result.stdout;
};
