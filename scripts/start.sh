#!/usr/bin/env bash
# The main job (`npm start`): the local demo (examples/local-demo), ampo with its embedded
# defaults. The server with its UI will take its place when it lands.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules ] || npm ci --no-audit --no-fund
# tsx resolves @ampo/* to the packages' sources through tsconfig.json's paths: no build needed.
exec npx tsx examples/local-demo/src/main.ts
