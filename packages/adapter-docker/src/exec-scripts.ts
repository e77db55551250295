import { createHash } from 'node:crypto';

// Shell scripts the runtime runs inside a workspace with `sh -c SCRIPT ampo-exec ARGS...`. The
// scripts are constants; user input only ever arrives as positional parameters, never as code.
// Each first writes one line to stderr: `ampo-exec:ok`, or `ampo-exec:error <why>` when the
// command cannot start, so exec() can throw instead of returning a failed execution.

/** Inside the workspace: one directory per execution. */
export const executionRoot = '/tmp/ampo-exec';

const safeId = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/**
 * Where each execution keeps its pid (and, when detached, its output and exit status). Ids a
 * caller chose that are not path-safe are hashed into the name.
 */
export const executionDirectory = (executionId: string) =>
  `${executionRoot}/${safeId.test(executionId) ? executionId : `h-${createHash('sha256').update(executionId).digest('hex').slice(0, 32)}`}`;

const checkCommand = `if [ -n "$c" ]; then cd -- "$c" 2>/dev/null || { printf 'ampo-exec:error cannot enter directory %s\\n' "$c" >&2; fail 126; }; fi
command -v -- "$1" >/dev/null 2>&1 || { printf 'ampo-exec:error %s: command not found\\n' "$1" >&2; fail 127; }
`;

/** Args: dir, cwd, argv... Records its pid, then becomes the command. */
export const attachedScript = `d=$1; c=$2; shift 2
fail() { exit "$1"; }
mkdir -p "$d" 2>/dev/null || { printf 'ampo-exec:error cannot create %s\\n' "$d" >&2; exit 126; }
${checkCommand}echo $$ > "$d/pid"
printf 'ampo-exec:ok\\n' >&2
exec "$@"
`;

// Ends every process of the container but pid 1 (the init), the keep-alive the init started with
// the container (the oldest other process: no exec can start before it, and no process can fake
// its start time), this shell and its own children. Fields come after the last ") " of
// /proc/PID/stat, as a process may put spaces and parentheses in its name. Processes of other
// users are out of reach and stay. It runs as an exec of its own, with no secret in its
// environment: whatever it kills cannot read the next exec's.
export const endOtherProcessesScript = `started() { set -- $(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null); echo "\${2:-} \${20:-}"; }
keep=; oldest=
for s in /proc/[0-9]*; do
  p=\${s#/proc/}
  if [ "$p" = 1 ] || [ "$p" = $$ ]; then continue; fi
  info=$(started "$p"); start=\${info#* }
  if [ -n "$start" ] && { [ -z "$oldest" ] || [ "$start" -lt "$oldest" ]; }; then oldest=$start; keep=$p; fi
done
round=0
while [ "$round" -lt 20 ]; do
  round=$((round + 1)); left=0
  for s in /proc/[0-9]*; do
    p=\${s#/proc/}
    if [ "$p" = 1 ] || [ "$p" = $$ ] || [ "$p" = "$keep" ]; then continue; fi
    info=$(started "$p"); ppid=\${info% *}
    if [ -z "$ppid" ] || [ "$ppid" = $$ ]; then continue; fi
    kill -9 "$p" 2>/dev/null && left=1
  done
  [ "$left" = 0 ] && break
  sleep 0.05
done
`;

/**
 * Args: dir, cwd, stdin file (or empty), argv... Creates the execution's directory atomically
 * (an id already taken answers `ampo-exec:exists`, so a retried start never runs a second copy),
 * starts the command in the background with stdout and stderr into "$d/output", its pid in
 * "$d/pid" and its exit status in "$d/exit" once it ends. Returns as soon as the pid is known;
 * the command outlives this exec.
 */
export const detachedScript = `d=$1; c=$2; i=$3; shift 3
mkdir -p "\${d%/*}" 2>/dev/null
if ! mkdir "$d" 2>/dev/null; then
  if [ -e "$d" ]; then printf 'ampo-exec:exists\\n' >&2; else printf 'ampo-exec:error cannot create %s\\n' "$d" >&2; fi
  exit 126
fi
fail() { rm -rf "$d" \${i:+"$i"}; exit "$1"; }
${checkCommand}input=/dev/null
if [ -n "$i" ]; then mv "$i" "$d/stdin" && input="$d/stdin"; fi
: > "$d/output"
cut -d' ' -f22 /proc/1/stat > "$d/boot"
( "$@" <"$input" >"$d/output" 2>&1 &
  echo $! > "$d/pid.tmp"; mv "$d/pid.tmp" "$d/pid"
  wait $!; echo $? > "$d/exit.tmp"; mv "$d/exit.tmp" "$d/exit" ) </dev/null >/dev/null 2>&1 &
while [ ! -e "$d/pid" ]; do sleep 0.01; done
printf 'ampo-exec:ok\\n' >&2
`;

/** Args: file. Writes its stdin to the file, for a detached command to read. */
export const writeStdinScript = `mkdir -p "\${1%/*}" && cat > "$1" && printf 'ampo-exec:ok\\n' >&2`;

// Whether the detached command still runs. Its pid alone is not enough: after the container
// restarts (stop, reboot) the command is gone, its supervisor never wrote "$d/exit", and the pid
// may belong to another process. The start time of the container's pid 1, saved at launch, tells
// the container's lives apart; a command gone without a status is recorded as killed (137).
const liveness = `boot() { cut -d' ' -f22 /proc/1/stat; }
alive() { [ "$(boot)" = "$(cat "$d/boot" 2>/dev/null)" ] && kill -0 "$(cat "$d/pid" 2>/dev/null)" 2>/dev/null; }
settle() {
  [ -e "$d/exit" ] && return 0
  alive && return 1
  sleep 0.5
  [ -e "$d/exit" ] || { echo 137 > "$d/exit.lost"; mv "$d/exit.lost" "$d/exit"; }
}
`;

/**
 * Args: dir, offset. Prints "$d/output" from byte offset, following it while the command runs
 * (GNU tail --pid), and returns once the exit status is written. tail polls on overlay file
 * systems (it cannot trust inotify there), so its interval is the output's added latency: 10 ms.
 */
export const tailScript = `d=$1; o=$2
[ -e "$d/pid" ] || { printf 'ampo-exec:error no detached execution %s in this workspace\\n' "\${d##*/}" >&2; exit 3; }
${liveness}printf 'ampo-exec:ok\\n' >&2
if settle; then tail -c +$((o + 1)) "$d/output"
else tail -c +$((o + 1)) -s 0.01 --pid="$(cat "$d/pid")" -f "$d/output"; fi
until settle; do sleep 0.05; done
`;

/** Args: dir. Waits for the detached command to end and prints its exit status. */
export const waitScript = `d=$1
[ -e "$d/pid" ] || { printf 'ampo-exec:error no detached execution %s in this workspace\\n' "\${d##*/}" >&2; exit 3; }
${liveness}printf 'ampo-exec:ok\\n' >&2
until settle; do sleep 0.2; done
cat "$d/exit"
`;

/** Args: dir, grace in tenths of a second. SIGTERM, then SIGKILL if the process outlives the grace. */
export const killScript = `d=$1; n=$2
[ -e "$d/exit" ] && exit 0
# A detached command from an earlier life of the container is gone already; its pid is someone else's.
[ -e "$d/boot" ] && [ "$(cut -d' ' -f22 /proc/1/stat)" != "$(cat "$d/boot")" ] && exit 0
p=$(cat "$d/pid" 2>/dev/null) || exit 0
kill -TERM "$p" 2>/dev/null || exit 0
i=0
while kill -0 "$p" 2>/dev/null; do
  i=$((i + 1)); if [ "$i" -ge "$n" ]; then kill -KILL "$p" 2>/dev/null; exit 0; fi
  sleep 0.1
done
`;
