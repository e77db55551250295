# Sourced by ../regenerate.sh: bundlers and build tools, each on the same small shop sample with
# a missing module and a syntax error, and `npm run build` wrapping one of them. They live in
# $samples/bundlers with their own node_modules, so that ../generic's `npm run build` finds no tsup.

bundlers="$samples/bundlers"
bbin="$bundlers/node_modules/.bin"

bundler_tools() {
  if [ ! -x "$bbin/tsc" ]; then
    mkdir -p "$bundlers"
    (cd "$bundlers" && { [ -f package.json ] || echo '{"private":true}' >package.json; } &&
      npm install --no-audit --no-fund esbuild@0.28.2 vite@8.4.0 rollup@4.68.8 webpack@5.113.0 webpack-cli@7.3.1 tsup@9.0.0 typescript@5.9.3 >/dev/null)
  fi
}

bundler_sample() {
  local d="$1" ext="$2"
  rm -rf "$d/src"
  mkdir -p "$d/src"
  cat >"$d/src/index.$ext" <<'SRC'
import { formatPrice } from './format.js';
import { taxRate } from './tax-rates.js';

export const label = (cents) => formatPrice(cents * (1 + taxRate));
SRC
  cat >"$d/src/format.$ext" <<'SRC'
export const formatPrice = (cents) => {
  const euros = cents / 100;
  return `€${euros.toFixed(2)`;
};
SRC
}

# The same sample with the missing module present, so that the syntax error is all that is left.
add_tax_rates() {
  echo 'export const taxRate = 0.2;' >"$1/src/tax-rates.$2"
}

run_esbuild() {
  bundler_tools
  local d="$bundlers/esbuild"
  bundler_sample "$d" ts
  echo '{"private":true}' >"$d/package.json"
  readme esbuild "esbuild $("$bbin/esbuild" --version)" 'src/index.ts imports a missing ./tax-rates.js; src/format.ts has an unterminated template literal'
  capture esbuild bundle.txt "$d" "$bbin/esbuild" src/index.ts --bundle --outfile=dist/out.js
}

run_tsup() {
  bundler_tools
  local d="$bundlers/tsup"
  bundler_sample "$d" ts
  add_tax_rates "$d" ts
  echo '{"private":true}' >"$d/package.json"
  readme tsup "tsup $("$bbin/tsup" --version | head -1) (esbuild $("$bbin/esbuild" --version))" 'src/format.ts has an unterminated template literal'
  capture tsup syntax-error.txt "$d" env NO_COLOR=1 CI=true "$bbin/tsup" src/index.ts
}

run_vite() {
  bundler_tools
  local d="$bundlers/vite"
  bundler_sample "$d" ts
  echo '{"type":"module","private":true,"scripts":{"build":"vite build"}}' >"$d/package.json"
  echo '<!doctype html><html><body><script type="module" src="/src/index.ts"></script></body></html>' >"$d/index.html"
  readme vite "$("$bbin/vite" --version) (Rolldown)" 'index.html loads src/index.ts, which imports a missing ./tax-rates.js; src/format.ts has an unterminated template literal'
  capture vite unresolved-import.txt "$d" env NO_COLOR=1 CI=true "$bbin/vite" build
  add_tax_rates "$d" ts
  capture vite syntax-error.txt "$d" env NO_COLOR=1 CI=true "$bbin/vite" build
  # npm's wrapper around the same build, as `npm run build` prints it in CI.
  capture vite npm-run-build.txt "$d" env NO_COLOR=1 CI=true npm run build
}

run_rollup() {
  bundler_tools
  local d="$bundlers/rollup"
  bundler_sample "$d" js
  echo '{"type":"module","private":true}' >"$d/package.json"
  readme rollup "$("$bbin/rollup" --version)" 'src/index.js imports a missing ./tax-rates.js; src/format.js has an unterminated template literal'
  capture rollup unresolved-import.txt "$d" env NO_COLOR=1 "$bbin/rollup" src/index.js -d dist
  add_tax_rates "$d" js
  capture rollup syntax-error.txt "$d" env NO_COLOR=1 "$bbin/rollup" src/index.js -d dist
}

run_webpack() {
  bundler_tools
  local d="$bundlers/webpack"
  bundler_sample "$d" js
  echo '{"private":true}' >"$d/package.json"
  readme webpack "webpack $(node -p "require('$bundlers/node_modules/webpack/package.json').version"), webpack-cli $(node -p "require('$bundlers/node_modules/webpack-cli/package.json').version")" 'src/index.js imports a missing ./tax-rates.js; src/format.js has an unterminated template literal'
  capture webpack default.txt "$d" env NO_COLOR=1 "$bbin/webpack" --mode production --entry ./src/index.js --no-color
}
