#!/usr/bin/env bash
# Makes sure a Docker engine answers, and that the offline worker image can be built (debootstrap).
# Used by .ci/run, the test command and the start command.
#
# - An engine answers and debootstrap is there: exit 0, silently.
# - Debian and root: install what is missing (docker.io, debootstrap), start dockerd in the
#   background without a bridge network if none answers, wait until it answers.
# - An engine answers elsewhere, without debootstrap: say so (the image builder then uses the
#   production Dockerfile when a registry answers) and exit 0.
# - Otherwise: say what to do and exit 1.
#
# Environment: AMPO_DOCKERD_LOG (default /tmp/ampo-dockerd.log), AMPO_DOCKERD_PID
# (default /tmp/ampo-dockerd.pid), AMPO_DOCKERD_WAIT seconds (default 60), AMPO_ENSURE_DOCKER_LOCK
# (default /tmp/ampo-ensure-docker.lock).
set -euo pipefail

log_file="${AMPO_DOCKERD_LOG:-/tmp/ampo-dockerd.log}"
pid_file="${AMPO_DOCKERD_PID:-/tmp/ampo-dockerd.pid}"
wait_seconds="${AMPO_DOCKERD_WAIT:-60}"
lock_file="${AMPO_ENSURE_DOCKER_LOCK:-/tmp/ampo-ensure-docker.lock}"

# A wedged engine must not hang the caller: give each probe 10 s.
engine_answers() { timeout 10 docker info >/dev/null 2>&1; }

say() { echo "ensure-docker: $*" >&2; }

has_debootstrap() { command -v debootstrap >/dev/null 2>&1; }

engine_ready=false
if command -v docker >/dev/null 2>&1 && engine_answers; then engine_ready=true; fi
if [ "$engine_ready" = true ] && has_debootstrap; then exit 0; fi

is_debian=false
if [ -r /etc/os-release ] && grep -qiE '^(ID|ID_LIKE)=.*debian' /etc/os-release; then is_debian=true; fi

if [ "$is_debian" != true ] || [ "$(id -u)" != 0 ]; then
  if [ "$engine_ready" = true ]; then
    say "debootstrap is not installed: the offline worker image is built with it (as root)."
    say "Install it (Debian/Ubuntu: sudo apt-get install debootstrap), or let the image builder use"
    say "packages/adapter-docker/worker-image/Dockerfile, which needs a reachable image registry."
    exit 0
  fi
  say "no Docker engine answers (docker info failed)."
  say "Start one yourself: install Docker (https://docs.docker.com/engine/install/) and run"
  say "  sudo systemctl start docker     (or: sudo dockerd &)"
  say "then check with: docker info"
  say "On Debian as root this script installs and starts one by itself."
  exit 1
fi

# Test files call this in parallel: one installs and starts, the others wait and then see it answer.
if command -v flock >/dev/null 2>&1; then
  exec 9>"$lock_file"
  if ! flock -w 600 9; then
    say "waited 10 minutes for $lock_file: another ensure-docker.sh (or a process that inherited its lock) holds it"
    exit 1
  fi
  if command -v docker >/dev/null 2>&1 && engine_answers; then engine_ready=true; fi
  if [ "$engine_ready" = true ] && has_debootstrap; then exit 0; fi
fi

missing=()
[ "$engine_ready" = true ] || command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
has_debootstrap || missing+=(debootstrap)
if [ "${#missing[@]}" -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  # Someone else's apt run may hold the dpkg lock: wait for it rather than fail.
  # Refresh the package lists only when apt does not know a candidate for what we need.
  for package in "${missing[@]}"; do
    policy="$(apt-cache policy "$package" 2>/dev/null || true)"
    if [[ "$policy" != *"Candidate: "[0-9]* ]]; then
      say "apt-get update"
      apt-get -o DPkg::Lock::Timeout=300 update -qq >/dev/null
      break
    fi
  done
  say "installing ${missing[*]}"
  # policy-rc.d keeps the package's init script from starting its own daemon: we start ours below.
  policy_created=false
  if [[ " ${missing[*]} " == *" docker.io "* ]] && [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod +x /usr/sbin/policy-rc.d
    policy_created=true
  fi
  if ! apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends "${missing[@]}" >/tmp/ampo-apt-install.log 2>&1; then
    [ "$policy_created" = true ] && rm -f /usr/sbin/policy-rc.d
    say "apt-get install ${missing[*]} failed; see /tmp/ampo-apt-install.log"
    exit 1
  fi
  [ "$policy_created" = true ] && rm -f /usr/sbin/policy-rc.d
fi

# An engine that already answered needs nothing started.
if [ "$engine_ready" = true ]; then exit 0; fi

# A daemon we started earlier may still be coming up: only start another if it is gone.
running_pid=""
if [ -r "$pid_file" ]; then
  candidate="$(cat "$pid_file")"
  if [ -n "$candidate" ] && kill -0 "$candidate" 2>/dev/null && grep -q dockerd "/proc/$candidate/comm" 2>/dev/null; then
    running_pid="$candidate"
  fi
fi

if [ -z "$running_pid" ]; then
  dockerd_bin="$(command -v dockerd)"
  # No bridge and no iptables: containers use host networking or none.
  # 9>&-: the daemon must not inherit the lock, or it would hold it for as long as it runs.
  nohup "$dockerd_bin" --bridge=none --iptables=false --ip-masq=false >>"$log_file" 2>&1 </dev/null 9>&- &
  running_pid=$!
  echo "$running_pid" >"$pid_file"
  say "started dockerd (pid $running_pid, log $log_file)"
fi

for _ in $(seq 1 "$((wait_seconds * 2))"); do
  if engine_answers; then exit 0; fi
  if ! kill -0 "$running_pid" 2>/dev/null; then
    say "dockerd exited; the last lines of $log_file:"
    tail -n 20 "$log_file" >&2 || true
    exit 1
  fi
  sleep 0.5
done

say "dockerd (pid $running_pid) did not answer within ${wait_seconds}s; see $log_file"
exit 1
