import { createServer, type ListeningServer } from '../create-server.js';
import { asCoreLogger, createDefaultLogger } from '../logging/logger.js';
import { createEmbeddedStack, type EmbeddedStack } from '../stack/create-embedded-stack.js';
import { cannotStart } from './cannot-start.js';
import type { CliIo, CommandResult } from './cli-io.js';
import type { StartOptions } from './command-options.js';
import { browserUrl, secretOf } from './data-directory.js';
import { agentsOf, describeStack, noAgentProblem, stackSettingsOf } from './stack-settings.js';
import { createTerminalLogger } from './terminal-logger.js';

/** How long a stop waits for open requests before it goes on without them. */
const closeTimeoutMs = 10_000;
/** How long a stop may take in all before the process exits anyway (1). */
const stopDeadlineMs = 30_000;

const listenProblem = (error: unknown, options: StartOptions, what: string, port: number) => {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE')
    return `Port ${port} on ${options.host} is in use (another ampo?): choose the ${what} port with --${what === 'server' ? 'port' : 'metrics-port'}.`;
  if (code === 'EADDRNOTAVAIL') return `${options.host} is not an address of this machine: choose another with --host.`;
  if (code === 'EACCES') return `Port ${port} needs privileges: choose one above 1023.`;
  return `Cannot listen on ${options.host}:${port}: ${(error as Error).message}`;
};

/** The `login-link` flags that give a link to this server. */
const loginLinkArguments = (options: StartOptions, port: number): string[] => [
  '--data-dir',
  options.dataDir,
  ...(options.publicUrl
    ? ['--public-url', options.publicUrl]
    : [...(options.host === '127.0.0.1' ? [] : ['--host', options.host]), ...(port === 7077 ? [] : ['--port', String(port)])]),
];

const withTimeout = (promise: Promise<unknown>, ms: number) =>
  Promise.race([promise, new Promise((resolve) => setTimeout(resolve, ms).unref())]);

/**
 * `ampo-server start`: the server with the embedded defaults. Prints the URL and a one-time
 * login link, then resumes unfinished tasks. SIGTERM or SIGINT: stop accepting, close the live
 * sockets with 1001, stop the orchestrator (agent turns keep running, detached, and are picked up
 * by the next start), exit 0.
 */
export const startCommand = async (options: StartOptions, io: CliIo): Promise<CommandResult> => {
  const agents = agentsOf(options);
  if (Object.keys(agents).length === 0) {
    for (const line of cannotStart(new Error(noAgentProblem))) io.err(line);
    return 1;
  }
  const pinoLogger = createDefaultLogger(options.logLevel ?? 'info');
  // A person at a terminal reads lines; anything else (a service manager, a log shipper) gets JSON.
  const logger = process.stdout.isTTY ? createTerminalLogger(options.logLevel ?? 'info', (line) => io.err(line)) : asCoreLogger(pinoLogger);
  let stack: EmbeddedStack;
  let secret: Uint8Array;
  try {
    secret = secretOf(options.dataDir);
    stack = await createEmbeddedStack(stackSettingsOf(options, { repositories: options.repo, logger }));
  } catch (error) {
    for (const line of cannotStart(error)) io.err(line);
    return 1;
  }

  const identityProvider =
    options.jwksUrl && options.jwtIssuer && options.jwtAudience
      ? { jwksUrl: options.jwksUrl, issuer: options.jwtIssuer, audience: options.jwtAudience }
      : undefined;
  const server = createServer({ ...stack.serverSettings, auth: { secret, ...(identityProvider ? { identityProvider } : {}) }, logger });
  const listeners: ListeningServer[] = [];
  try {
    listeners.push(
      await server.listen({ port: options.port, host: options.host }).catch((error) => {
        throw new Error(listenProblem(error, options, 'server', options.port));
      }),
    );
    if (options.metricsPort !== undefined) {
      const metricsPort = options.metricsPort;
      listeners.push(
        await server.listenMetrics({ port: metricsPort, host: options.metricsHost }).catch((error) => {
          throw new Error(listenProblem(error, { ...options, host: options.metricsHost }, 'metrics', metricsPort));
        }),
      );
    }
  } catch (error) {
    for (const listener of listeners) await listener.close();
    await stack.close();
    for (const line of cannotStart(error)) io.err(line);
    return 1;
  }
  const [listening, metrics] = listeners as [ListeningServer, ListeningServer | undefined];
  const url = browserUrl({ publicUrl: options.publicUrl, host: options.host, port: listening.port });

  let stopping = false;
  const stop = async (signal: NodeJS.Signals) => {
    // One Ctrl-C under `npm start` arrives twice (from the terminal and forwarded by npm): later signals change nothing.
    if (stopping) return;
    stopping = true;
    io.out(`${signal}: stopping; running agent turns stay in their containers and the next start picks them up`);
    setTimeout(() => {
      io.err(`did not stop within ${stopDeadlineMs / 1000} s: exiting anyway`);
      io.exit(1);
    }, stopDeadlineMs).unref();
    await withTimeout(Promise.all(listeners.map((listener) => listener.close())), closeTimeoutMs);
    await stack.close();
    pinoLogger.flush();
    io.exit(0);
  };
  process.on('SIGTERM', (signal) => void stop(signal));
  process.on('SIGINT', (signal) => void stop(signal));

  io.out(`ampo is listening at ${url}`);
  for (const line of describeStack(options, agents)) io.out(`  ${line}`);
  for (const repository of stack.repositories) io.out(`  repository ${repository}`);
  if (metrics) io.out(`  metrics at ${metrics.url}/metrics (no credential: keep it private)`);
  if (identityProvider) io.out(`  bearer tokens from ${identityProvider.issuer}`);
  io.out('Log in from a browser with this one-time link (it works once, for 15 minutes):');
  io.out(`  ${await server.loginLink(url)}`);
  io.out(`  (a new one: ampo-server login-link ${loginLinkArguments(options, listening.port).join(' ')})`);
  try {
    await stack.orchestrator.start();
  } catch (error) {
    for (const line of cannotStart(new Error(`Could not resume the unfinished tasks: ${(error as Error).message}`))) io.err(line);
    await withTimeout(Promise.all(listeners.map((listener) => listener.close())), closeTimeoutMs);
    await stack.close();
    return 1;
  }
  return 'running';
};
