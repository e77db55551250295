import { type OptionName, type OptionSpec, optionSpecs } from './option-specs.js';

export type CommandName = 'start' | 'run' | 'token' | 'login-link';

const summaries: Record<CommandName, { usage: string; summary: string }> = {
  start: { usage: 'ampo-server [start] [options]', summary: 'serve the REST API, the live WebSocket and the web app (the default)' },
  run: { usage: 'ampo-server run --repo REPO [options] "prompt"', summary: 'run one task, print its progress; exit 0 when it goes green' },
  token: { usage: 'ampo-server token [--scope S] [--ttl 1h] [options]', summary: 'print an access token (alone, on stdout)' },
  'login-link': { usage: 'ampo-server login-link [options]', summary: 'print a fresh one-time login link for a browser' },
};

const optionLine = (spec: OptionSpec) => {
  const name = spec.flag ? `--${spec.flag} ${spec.value ?? ''}`.trimEnd() : (spec.env ?? '');
  const env = spec.flag && spec.env ? ` (${spec.env})` : '';
  return `  ${`${name}${env}`.padEnd(44)} ${spec.help}`;
};

/** The help of one command, or of all of them, from the option table. */
export const helpText = (command: CommandName | undefined, optionsOf: (command: CommandName) => readonly OptionName[]): string => {
  const commands = command ? [command] : (Object.keys(summaries) as CommandName[]);
  const lines = ['ampo-server: run coding agents against repositories until CI is green', ''];
  for (const name of commands) lines.push(`  ${summaries[name].usage.padEnd(50)} ${summaries[name].summary}`);
  const used = new Set(commands.flatMap(optionsOf));
  const names = (Object.keys(optionSpecs) as OptionName[]).filter((name) => used.has(name));
  const flags = names.filter((name) => optionSpecs[name].flag);
  const environment = names.filter((name) => !optionSpecs[name].flag);
  lines.push('', 'Options (a flag wins over its environment variable; lists in a variable are separated by ":"):');
  for (const name of flags) lines.push(optionLine(optionSpecs[name]));
  if (environment.length > 0) {
    lines.push('', 'From the environment only (keys never go on a command line):');
    for (const name of environment) lines.push(optionLine(optionSpecs[name]));
  }
  lines.push('', 'Exit status: 0 done, 1 it could not be done (the reason is on stderr), 2 wrong usage.');
  return lines.join('\n');
};
