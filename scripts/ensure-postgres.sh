#!/usr/bin/env bash
# Makes sure PostgreSQL's server binaries are installed for the tests of @ampo/store-postgres, which
# start a throwaway server of their own (packages/testkit/src/postgres). Idempotent: exits at once
# when they are there. Used by the test command and by the test helper.
#
# - /usr/lib/postgresql/<version>/bin/postgres exists (15 on Debian 12): exit 0, silently.
# - Debian and root: apt-get install postgresql, without prompts and without a default cluster.
# - Otherwise: say what to do and exit 1.
set -euo pipefail

say() { echo "ensure-postgres: $*" >&2; }
installed() { compgen -G '/usr/lib/postgresql/*/bin/postgres' >/dev/null && getent passwd postgres >/dev/null; }

if installed; then
  exit 0
fi

if ! grep -qiE '^(ID|ID_LIKE)=.*debian' /etc/os-release 2>/dev/null || [ "$(id -u)" != 0 ]; then
  say "PostgreSQL's server binaries are missing (/usr/lib/postgresql/*/bin); the store-postgres tests need them."
  say "On Debian: sudo apt-get install postgresql"
  exit 1
fi

exec 9>/tmp/ampo-ensure-postgres.lock
flock -w 900 9
installed && exit 0
say "installing postgresql with apt-get"
# The tests run servers of their own: no cluster on port 5432 that would keep running.
mkdir -p /etc/postgresql-common
[ -e /etc/postgresql-common/createcluster.conf ] || echo 'create_main_cluster = false' >/etc/postgresql-common/createcluster.conf
export DEBIAN_FRONTEND=noninteractive
timeout 600 apt-get update -qq
timeout 900 apt-get install -y -qq --no-install-recommends -o Dpkg::Options::=--force-confold postgresql >/dev/null
installed || { say "apt-get finished but /usr/lib/postgresql/*/bin/postgres is missing"; exit 1; }
