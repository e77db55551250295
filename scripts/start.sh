#!/usr/bin/env bash
# The main job (`npm start`): the local demo (examples/local-demo), ampo with its embedded
# defaults. The server with its UI will take its place when it lands.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -f examples/local-demo/package.json ]; then
  [ -d node_modules ] || npm ci --no-audit --no-fund
  # tsx resolves @ampo/* to the packages' sources through tsconfig.json's paths: no build needed.
  exec npx tsx examples/local-demo/src/main.ts
fi
echo "ampo: the runnable demo is not yet available (the end-to-end work has not landed)." >&2
echo "Try the embedding example instead: npx tsx examples/embed-node/src/main.ts" >&2
exit 1
