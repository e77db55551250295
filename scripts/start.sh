#!/usr/bin/env bash
# The main job (`npm start`). It will run the local demo (examples/local-demo) and later the
# server with its UI; until those land it says so and fails, rather than pretend.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -f examples/local-demo/package.json ]; then
  [ -d node_modules ] || npm ci --no-audit --no-fund
  exec npm run --silent start -w examples/local-demo
fi
echo "ampo: the runnable demo is not yet available (the end-to-end work has not landed)." >&2
echo "Try the embedding example instead: npx tsx examples/embed-node/src/main.ts" >&2
exit 1
