import type { CliIo, CommandResult } from './cli-io.js';
import { LoginLinkOptions, optionNamesOf, RunOptions, StartOptions, TokenOptions } from './command-options.js';
import { type CommandName, helpText } from './help.js';
import { loginLinkCommand } from './login-link-command.js';
import { readOptions, UsageError, validateOptions } from './read-options.js';
import { runCommand } from './run-command.js';
import { startCommand } from './start-command.js';
import { tokenCommand } from './token-command.js';

const schemas = { start: StartOptions, run: RunOptions, token: TokenOptions, 'login-link': LoginLinkOptions } as const;
const optionsOf = (command: CommandName) => optionNamesOf(schemas[command]);
const isCommand = (word: string | undefined): word is CommandName => word !== undefined && Object.hasOwn(schemas, word);

const dispatch = async (argv: readonly string[], io: CliIo, version: string): Promise<CommandResult> => {
  const [first, ...rest] = argv;
  if (first === '--version' || first === '-v') {
    io.out(version);
    return 0;
  }
  if (first === 'help' || first === '--help' || first === '-h') {
    io.out(helpText(isCommand(rest[0]) ? rest[0] : undefined, optionsOf));
    return 0;
  }
  const command: CommandName = isCommand(first) ? first : 'start';
  if (!isCommand(first) && first !== undefined && !first.startsWith('-')) {
    throw new UsageError([`Unknown command "${first}": the commands are ${Object.keys(schemas).join(', ')}.`]);
  }
  const args = isCommand(first) ? rest : argv;
  const read = readOptions(args, io.env, optionsOf(command));
  if (read.help) {
    io.out(helpText(command, optionsOf));
    return 0;
  }
  if (command !== 'run' && read.positionals.length > 0) {
    throw new UsageError([`${command} takes no arguments, only options; not ${JSON.stringify(read.positionals.join(' '))}.`]);
  }
  switch (command) {
    case 'start':
      return startCommand(validateOptions(StartOptions, read), io);
    case 'run': {
      const options = validateOptions(RunOptions, read);
      const prompt = read.positionals.join(' ').trim();
      if (!prompt) throw new UsageError(['run needs a prompt: ampo-server run --repo REPO "what the agent should do"']);
      return runCommand(options, prompt, io);
    }
    case 'token':
      return tokenCommand(validateOptions(TokenOptions, read), io);
    case 'login-link':
      return loginLinkCommand(validateOptions(LoginLinkOptions, read), io);
  }
};

/**
 * The bin: `start` (the default), `run`, `token`, `login-link`. Wrong usage prints each problem
 * and exits 2; anything else that stops a command prints its reason and exits 1.
 */
export const runCli = async (argv: readonly string[], io: CliIo, version: string): Promise<CommandResult> => {
  try {
    return await dispatch(argv, io, version);
  } catch (error) {
    if (error instanceof UsageError) {
      for (const problem of error.problems) io.err(`ampo-server: ${problem}`);
      io.err('See ampo-server --help.');
      return 2;
    }
    io.err(`ampo-server: ${(error as Error).message}`);
    return 1;
  }
};
