// Shell scripts the runtime runs inside a workspace with `sh -c SCRIPT ampo-exec ARGS...`. The
// scripts are constants; user input only ever arrives as positional parameters, never as code.
// Each first writes one line to stderr: `ampo-exec:ok`, or `ampo-exec:error <why>` when the
// command cannot start, so exec() can throw instead of returning a failed execution.

/** Where each execution keeps its pid (and, when detached, its output and exit status). */
export const executionDirectory = (executionId: string) => `/tmp/ampo-exec/${executionId}`;

const prepare = `d=$1; c=$2; shift 2
mkdir -p "$d" 2>/dev/null || { printf 'ampo-exec:error cannot create %s\\n' "$d" >&2; exit 126; }
if [ -n "$c" ]; then cd -- "$c" 2>/dev/null || { printf 'ampo-exec:error cannot enter directory %s\\n' "$c" >&2; exit 126; }; fi
command -v -- "$1" >/dev/null 2>&1 || { printf 'ampo-exec:error %s: command not found\\n' "$1" >&2; exit 127; }
`;

/** Args: dir, cwd, argv... Records its pid, then becomes the command. */
export const attachedScript = `${prepare}echo $$ > "$d/pid"
printf 'ampo-exec:ok\\n' >&2
exec "$@"
`;

/**
 * Args: dir, cwd, argv... Starts the command in the background with stdout and stderr into
 * "$d/output" (stdin from "$d/stdin" when present), its pid in "$d/pid", and its exit status in
 * "$d/exit" once it ends. Returns as soon as the pid is known; the command outlives this exec.
 */
export const detachedScript = `${prepare}input=/dev/null; [ -e "$d/stdin" ] && input="$d/stdin"
: > "$d/output"
( "$@" <"$input" >"$d/output" 2>&1 &
  echo $! > "$d/pid.tmp"; mv "$d/pid.tmp" "$d/pid"
  wait $!; echo $? > "$d/exit.tmp"; mv "$d/exit.tmp" "$d/exit" ) </dev/null >/dev/null 2>&1 &
while [ ! -e "$d/pid" ]; do sleep 0.01; done
printf 'ampo-exec:ok\\n' >&2
`;

/** Args: dir. Writes its stdin to "$d/stdin" for a detached command to read. */
export const writeStdinScript = `mkdir -p "$1" && cat > "$1/stdin" && printf 'ampo-exec:ok\\n' >&2`;

/**
 * Args: dir, offset. Prints "$d/output" from byte offset, following it while the command runs
 * (GNU tail --pid), and returns once the exit status is written.
 */
export const tailScript = `d=$1; o=$2
[ -e "$d/pid" ] || { printf 'ampo-exec:error no detached execution %s in this workspace\\n' "\${d##*/}" >&2; exit 3; }
printf 'ampo-exec:ok\\n' >&2
if [ -e "$d/exit" ]; then tail -c +$((o + 1)) "$d/output"
else tail -c +$((o + 1)) -s 0.2 --pid="$(cat "$d/pid")" -f "$d/output"; fi
while [ ! -e "$d/exit" ]; do sleep 0.05; done
`;

/** Args: dir. Waits for the detached command to end and prints its exit status. */
export const waitScript = `d=$1
[ -e "$d/pid" ] || { printf 'ampo-exec:error no detached execution %s in this workspace\\n' "\${d##*/}" >&2; exit 3; }
printf 'ampo-exec:ok\\n' >&2
while [ ! -e "$d/exit" ]; do sleep 0.2; done
cat "$d/exit"
`;

/** Args: dir, grace in tenths of a second. SIGTERM, then SIGKILL if the process outlives the grace. */
export const killScript = `d=$1; n=$2
[ -e "$d/exit" ] && exit 0
p=$(cat "$d/pid" 2>/dev/null) || exit 0
kill -TERM "$p" 2>/dev/null || exit 0
i=0
while kill -0 "$p" 2>/dev/null; do
  i=$((i + 1)); if [ "$i" -ge "$n" ]; then kill -KILL "$p" 2>/dev/null; exit 0; fi
  sleep 0.1
done
`;
