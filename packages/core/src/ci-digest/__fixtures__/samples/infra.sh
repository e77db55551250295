# Sourced by ../regenerate.sh: checks that fail because the machine or a service gave out, not
# the code. Every address is on 127.0.0.1 (nothing listens on $port) or inside a network
# namespace with no network at all, so no traffic leaves the machine.

port=59432

run_infra() {
  js_tools
  local d="$samples/infra"
  mkdir -p "$d"
  echo '{"private":true}' >"$d/package.json"
  local image="${AMPO_TEST_IMAGE:-ampo-test-worker:latest}"
  readme infra "$(timeout --version | head -1), $(psql --version), wait-on 9.5.1, npm $(npm --version), $(docker --version)" \
    "nothing listens on 127.0.0.1:$port; npm runs in a network namespace without network (unshare -n) or against a local registry that answers 503; the OOM kill is a container limited to 48 MB"
  capture infra timeout.txt "$d" timeout 2 sh -c 'echo "importing fixtures into the search index"; sleep 30'
  capture infra oom-killed.txt "$d" docker run --rm --label ampo.fixture=ci-digest --network none --memory 48m --memory-swap 48m "$image" \
    sh -c 'echo "building the search index"; node -e "const keep = []; for (;;) keep.push(Buffer.alloc(1 << 20, 1))"'
  capture infra psql-refused.txt "$d" psql -h 127.0.0.1 -p "$port" -U shop -c 'select 1'
  capture infra wait-on.txt "$d" "$sbin/wait-on" --timeout 2000 --interval 250 "tcp:127.0.0.1:$port"
  capture infra pg-isready.txt "$d" sh -c "for i in 1 2 3; do pg_isready -h 127.0.0.1 -p $port && exit 0; sleep 1; done; echo 'database did not come up'; exit 1"
  capture infra npm-dns.txt "$d" unshare -n npm install --no-audit --no-fund --fetch-retries=0 left-pad@1.3.0
  # A registry that is down: a local server that answers 503 to everything.
  node -e "require('node:http').createServer((_, res) => { res.writeHead(503); res.end('Service Unavailable'); }).listen($port, '127.0.0.1')" &
  local server=$!
  sleep 1
  capture infra npm-registry-503.txt "$d" npm install --no-audit --no-fund --fetch-retries=0 --registry "http://127.0.0.1:$port/" left-pad@1.3.0
  kill "$server"
}
