#!/usr/bin/env bash
# Makes sure Debian's Chromium is installed for the browser tests (playwright-core drives it at
# /usr/bin/chromium). Idempotent: exits at once when it is there. Used by the test command.
#
# - /usr/bin/chromium exists: exit 0, silently.
# - Debian and root: apt-get install chromium (and a font with wide coverage), without prompts.
# - Otherwise: say what to do and exit 1.
set -euo pipefail

say() { echo "ensure-chromium: $*" >&2; }

if [ -x /usr/bin/chromium ]; then
  exit 0
fi

if ! grep -qiE '^(ID|ID_LIKE)=.*debian' /etc/os-release 2>/dev/null || [ "$(id -u)" != 0 ]; then
  say "Chromium is missing at /usr/bin/chromium; the browser tests need it."
  say "On Debian: sudo apt-get install chromium"
  exit 1
fi

exec 9>/tmp/ampo-ensure-chromium.lock
flock 9
[ -x /usr/bin/chromium ] && exit 0
say "installing chromium with apt-get"
export DEBIAN_FRONTEND=noninteractive
timeout 600 apt-get update -qq
timeout 900 apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
[ -x /usr/bin/chromium ] || { say "apt-get finished but /usr/bin/chromium is missing"; exit 1; }
