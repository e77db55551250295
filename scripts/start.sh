#!/usr/bin/env bash
# The start command. `npm start` (or `bash scripts/start.sh server`): the ampo server with its
# embedded defaults and the demo repository registered, until Ctrl-C. `npm run demo` (`… demo`):
# the canned demo, one task from prompt to green checks, printed as it happens.
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-server}"
[ -d node_modules ] || npm ci --no-audit --no-fund
# tsx resolves @ampo/* to the packages' sources through tsconfig.json's paths: no build needed,
# but for the web app the server serves, built once (again when its sources change).
if [ "$mode" = server ]; then
  app=packages/web-app/dist/index.html
  if [ ! -f "$app" ] || [ -n "$(find packages/web-app/src packages/web-app/index.html packages/react-ui/src -newer "$app" -print -quit 2>/dev/null)" ]; then
    echo "building the web app (once)" >&2
    npm run build --silent -w @ampo/web-app >/dev/null
  fi
fi
arguments_file="$(mktemp)"
node --import tsx examples/local-demo/src/prepare.ts "$mode" "$arguments_file" || { rm -f "$arguments_file"; exit 1; }
mapfile -d '' -t arguments < "$arguments_file"
rm -f "$arguments_file"
# exec: the server is this process, so Ctrl-C and SIGTERM reach it directly.
exec node --import tsx packages/server/src/cli/main.ts "${arguments[@]}"
