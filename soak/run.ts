// npm run soak [-- --quick] [-- --only NAME[,NAME…]] [-- --database sqlite|postgres]: attacks the
// assembled server (crashes, faults, load, bad input, auth, secrets, containers) and prints one
// `name=value` figure per line, ending with the totals. Exits 1 when a total that must be zero is
// not (or a section failed to run). On PostgreSQL every server gets a fresh database of its own.
import type { SoakFigures } from './section.js';
import { sections } from './sections/index.js';
import { startSoakPostgres } from './support/soak-postgres.js';
import { useSoakPostgres } from './support/soak-store.js';

const mustBeZero = [
  'soak.tasks.lost',
  'soak.tasks.wrong',
  'soak.pushes.duplicate',
  'soak.pull_requests.duplicate',
  'soak.containers.orphaned',
  'soak.events.gaps',
  'soak.responses.5xx',
  'soak.auth.bypassed',
  'soak.secrets.leaked',
] as const;
const totals = ['soak.tasks.total', ...mustBeZero] as const;
/** Section figures (printed where they come) that must be zero too. */
const alsoZero = new Set([
  'soak.secrets.git_tokens_caught_by_leftover_process_or_hook',
  'soak.secrets.git_tokens_seen_by_planted_proxy',
  'soak.containers.unhardened',
]);
const nonZero: string[] = [];

const args = process.argv.slice(2);
const flagValue = (flag: string) => (args.includes(flag) ? args[args.indexOf(flag) + 1] : undefined);
const quick = args.includes('--quick');
const only = flagValue('--only')?.split(',').filter(Boolean);
const database = flagValue('--database') ?? 'sqlite';
const progress = (message: string) => process.stderr.write(`[soak] ${message}\n`);
const unknown = only?.filter((name) => !sections.some(([known]) => known === name)) ?? [];
if (unknown.length > 0 || !['sqlite', 'postgres'].includes(database)) {
  progress(
    unknown.length > 0
      ? `no section named ${unknown.join(', ')} (there are ${sections.map(([name]) => name).join(', ')})`
      : `--database takes sqlite or postgres, not ${database}`,
  );
  process.exit(2);
}

const postgres = database === 'postgres' ? await startSoakPostgres() : undefined;
useSoakPostgres(postgres);
// Which store every server of this run used.
console.log(`soak.database.postgres=${postgres ? 1 : 0}`);

const sum: Record<string, number> = Object.fromEntries(totals.map((name) => [name, 0]));
let failedSections = 0;
for (const [name, run] of sections) {
  if (only && !only.includes(name)) continue;
  progress(`${name}${quick ? ' (quick)' : ''}`);
  const started = Date.now();
  let figures: SoakFigures;
  try {
    figures = await run({ quick, progress: (message) => progress(`${name}: ${message}`) });
  } catch (error) {
    failedSections += 1;
    progress(`${name} failed to run: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    console.log(`soak.${name}.failed=1`);
    continue;
  }
  for (const [figure, value] of Object.entries(figures)) {
    if (alsoZero.has(figure) && value !== 0) nonZero.push(figure);
    if (figure in sum) sum[figure] = (sum[figure] ?? 0) + value;
    else console.log(`${figure}=${Number.isInteger(value) ? value : value.toFixed(2)}`);
  }
  console.log(`soak.${name}.seconds=${((Date.now() - started) / 1000).toFixed(1)}`);
}
if (postgres) {
  console.log(`soak.database.postgres_databases=${postgres.databases}`);
  await postgres.stop();
}
for (const name of totals) console.log(`${name}=${sum[name]}`);
const bad = [...mustBeZero.filter((name) => (sum[name] ?? 0) !== 0), ...nonZero];
if (bad.length > 0 || failedSections > 0 || sections.length === 0) {
  progress(sections.length === 0 ? 'no sections ran' : `not zero: ${bad.join(', ') || 'none'}; sections that failed: ${failedSections}`);
  process.exit(1);
}
