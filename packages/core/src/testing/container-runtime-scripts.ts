/**
 * The only `sh -c` scripts the suite runs (everything else is echo, cat, printenv, pwd, sleep,
 * true, false), so that an in-memory fake can implement `sh` for exactly these.
 */
export const containerRuntimeScripts = {
  /** Prints `out` to stdout and `err` to stderr. */
  stdoutAndStderr: 'echo out; echo err >&2',
  /** Exits with 42. */
  exit42: 'exit 42',
  /** Prints `first part`, waits until the file $1 exists, prints `second part`, exits with 7. */
  waitForGate: 'echo "first part"; while [ ! -e "$1" ]; do sleep 0.1; done; echo "second part"; exit 7',
  /** Creates the (empty) file $1. */
  openGate: ': > "$1"',
} as const;
