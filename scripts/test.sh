#!/usr/bin/env bash
# The one test command (`npm test`): sets up what the tests need on a fresh machine, runs every
# static check and every package's tests, and ends with one line "N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n== %s\n' "$*"; }

step "dependencies"
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi

step "docker engine and the offline test image"
bash scripts/ensure-docker.sh
if [ -f packages/testkit/src/image/build-test-image.ts ]; then
  npx tsx packages/testkit/src/image/build-test-image.ts
fi

step "postgresql for the store-postgres tests"
bash scripts/ensure-postgres.sh

step "chromium for the browser tests"
bash scripts/ensure-chromium.sh

step "lint and format (biome)"
npx biome check .

step "types (tsc)"
npx tsc -p tsconfig.json --noEmit

step "build (tsup)"
npm run build --silent

step "package checks (publint, attw)"
for dir in packages/*/; do
  if [ "$(node -p "require('./${dir}package.json').private === true")" = "true" ]; then continue; fi
  (cd "$dir" && npx publint --strict >/dev/null && npx attw --pack . --profile esm-only --quiet) || {
    echo "package checks failed in $dir" >&2
    exit 1
  }
  echo "ok  ${dir%/}"
done

step "tests (vitest)"
report=.vitest-report.json
rm -f "$report"
status=0
npx vitest run --reporter=default --reporter=json --outputFile.json="$report" "$@" || status=$?

# The soak's short form: the assembled server attacked over its public API; every total that must
# be zero is zero, or this fails. Skipped when the tests were narrowed to some files.
if [ "$#" -eq 0 ]; then
  step "soak (npm run soak -- --quick)"
  npm run soak --silent -- --quick || status=1
  # The sections where the store matters most, again on PostgreSQL (a fresh database per server).
  step "soak on postgresql (npm run soak -- --quick --database postgres --only crashes,load)"
  npm run soak --silent -- --quick --database postgres --only crashes,load || status=1
fi
node scripts/print-test-summary.mjs "$report" || status=1
exit "$status"
