/** One setting of the bin: a flag, its environment variable, or both. */
export interface OptionSpec {
  /** The flag without its dashes; none for settings taken from the environment alone (keys, the App). */
  flag?: string;
  env?: string;
  /** Repeatable; its environment variable holds a list separated by the path delimiter (`:`). */
  multiple?: boolean;
  /** Its value is never repeated back, not even in an error. */
  secret?: boolean;
  /** Shown in the help: the value's placeholder and what it is. */
  value?: string;
  help: string;
}

/** Every setting of `ampo-server`, by the name the commands' schemas use. */
const specs = {
  port: { flag: 'port', env: 'AMPO_PORT', value: 'PORT', help: 'the port to listen on (0: any free port) [7077]' },
  host: { flag: 'host', env: 'AMPO_HOST', value: 'HOST', help: 'the address to listen on [127.0.0.1]' },
  publicUrl: {
    flag: 'public-url',
    env: 'AMPO_PUBLIC_URL',
    value: 'URL',
    help: 'the URL browsers reach the server at, for the login link [http://HOST:PORT]',
  },
  dataDir: {
    flag: 'data-dir',
    env: 'AMPO_DATA_DIR',
    value: 'DIR',
    help: 'the SQLite file, the token secret and the review requests [./.ampo]',
  },
  repoRoot: {
    flag: 'repo-root',
    env: 'AMPO_REPO_ROOT',
    multiple: true,
    value: 'DIR',
    help: 'local mode: tasks may use repositories under DIR, nothing else (repeatable) [the current directory]',
  },
  repo: {
    flag: 'repo',
    env: 'AMPO_REPO',
    multiple: true,
    value: 'REPO',
    help: 'a repository to offer in the UI: a path, or owner/name with a GitHub App (repeatable)',
  },
  image: { flag: 'image', env: 'AMPO_IMAGE', value: 'IMAGE', help: 'the worker image [ampo-worker:1]' },
  concurrency: { flag: 'concurrency', env: 'AMPO_CONCURRENCY', value: 'N', help: 'tasks running at once in this instance [4]' },
  database: {
    flag: 'database',
    env: 'AMPO_DATABASE_URL',
    secret: true,
    value: 'URL',
    help: 'postgres://user:password@host/db: share one PostgreSQL database with other instances [SQLite in the data directory]',
  },
  maxActive: {
    flag: 'max-active',
    env: 'AMPO_MAX_ACTIVE',
    value: 'N',
    help: 'with --database: tasks running at once across all instances [no limit beyond each --concurrency]',
  },
  leaseTtl: {
    flag: 'lease-ttl',
    env: 'AMPO_LEASE_TTL',
    value: 'DURATION',
    help: "with --database: how long a dead instance's tasks wait before another instance takes them over [30s]",
  },
  dockerHost: {
    flag: 'docker-host',
    value: 'URL',
    help: 'the Docker engine, unix:///path or tcp://host:port (TLS from DOCKER_TLS_VERIFY and DOCKER_CERT_PATH) [DOCKER_HOST, else the local socket]',
  },
  agentBinary: {
    flag: 'agent-binary',
    env: 'AMPO_AGENT_BINARY',
    value: 'NAME',
    help: 'the executable run as Amp in the worker, e.g. ampo-scripted-agent (a stand-in that replays a script); it needs no key',
  },
  metricsPort: {
    flag: 'metrics-port',
    env: 'AMPO_METRICS_PORT',
    value: 'PORT',
    help: 'also serve /metrics without a credential on this port (keep it private) [off: /metrics needs the admin scope]',
  },
  metricsHost: { flag: 'metrics-host', env: 'AMPO_METRICS_HOST', value: 'HOST', help: 'the address of the metrics listener [127.0.0.1]' },
  instanceId: {
    flag: 'instance-id',
    env: 'AMPO_INSTANCE_ID',
    value: 'ID',
    help: "labels this server's containers, so a restart finds them [derived from the data directory]",
  },
  logLevel: {
    flag: 'log-level',
    env: 'AMPO_LOG_LEVEL',
    value: 'LEVEL',
    help: 'fatal, error, warn, info, debug, trace or silent [info; run: warn]',
  },
  agent: { flag: 'agent', value: 'AGENT', help: 'run: the agent, amp, claude-code or codex [amp]' },
  scope: {
    flag: 'scope',
    multiple: true,
    value: 'SCOPE',
    help: 'tasks:read, tasks:write or admin (repeatable) [token: tasks:read; login-link: admin]',
  },
  ttl: { flag: 'ttl', value: 'DURATION', help: 'token: how long it is valid, like 30m, 1h or 7d [1h]' },
  subject: { flag: 'subject', value: 'NAME', help: 'token, login-link: who the credential is for [cli; operator]' },
  githubAppId: { env: 'GITHUB_APP_ID', help: "the GitHub App's id: tasks run against GitHub instead of local Git" },
  githubPrivateKey: { env: 'GITHUB_APP_PRIVATE_KEY', secret: true, help: "the App's private key (PEM)" },
  githubPrivateKeyPath: { env: 'GITHUB_APP_PRIVATE_KEY_PATH', help: 'or the file that holds it' },
  githubWebhookSecret: { env: 'GITHUB_WEBHOOK_SECRET', secret: true, help: "the App's webhook secret (POST /api/webhooks/github)" },
  githubPollInterval: {
    flag: 'github-poll-interval',
    env: 'AMPO_GITHUB_POLL_INTERVAL',
    value: 'DURATION',
    help: "with a GitHub App: how often a commit's CI is read when no webhook says it changed, like 30s or 10m [10m with GITHUB_WEBHOOK_SECRET, else from 5s up to 60s]",
  },
  githubApiUrl: { env: 'GITHUB_API_URL', help: 'the REST API root, for GitHub Enterprise Server [https://api.github.com]' },
  ampApiKey: { env: 'AMP_API_KEY', secret: true, help: "Amp's key" },
  anthropicApiKey: { env: 'ANTHROPIC_API_KEY', secret: true, help: "Claude Code's key" },
  codexApiKey: { env: 'CODEX_API_KEY', secret: true, help: "Codex's key" },
  jwksUrl: { env: 'AMPO_JWKS_URL', help: "an identity provider's JSON Web Key Set: bearer tokens are its tokens" },
  jwtIssuer: { env: 'AMPO_JWT_ISSUER', help: "the provider's issuer (with AMPO_JWKS_URL)" },
  jwtAudience: { env: 'AMPO_JWT_AUDIENCE', help: 'the audience its tokens carry for ampo (with AMPO_JWKS_URL)' },
} as const satisfies Record<string, OptionSpec>;

export type OptionName = keyof typeof specs;
export const optionSpecs: Readonly<Record<OptionName, OptionSpec>> = specs;
