#!/usr/bin/env bash
# Ensure a Docker engine is reachable. Used by run.sh; can be run on its own.
#
# On a developer laptop or CI runner with Docker already running this does
# nothing. On a bare Debian machine (like the project's sandbox) it installs
# Debian's docker.io and starts dockerd in the background with no bridge and
# no iptables rules: every container is run with `--network host`, so nothing
# is routed anywhere but loopback.
set -euo pipefail

DOCKERD_LOG="${DOCKERD_LOG:-/tmp/atlas-emu-dockerd.log}"

engine_up() { docker info >/dev/null 2>&1; }

if engine_up; then
  exit 0
fi

if ! command -v dockerd >/dev/null 2>&1; then
  if [ "$(id -u)" != 0 ]; then
    echo "engine.sh: no Docker engine and not root: start Docker yourself" >&2
    exit 1
  fi
  echo "engine.sh: installing Debian's docker.io" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends docker.io >/dev/null
fi
if ! command -v docker >/dev/null 2>&1; then
  echo "engine.sh: docker CLI missing after install" >&2
  exit 1
fi

if ! pgrep -x dockerd >/dev/null 2>&1; then
  echo "engine.sh: starting dockerd (log: $DOCKERD_LOG)" >&2
  # setsid: the daemon outlives this script and is not hit by the caller's
  # job-control signals. No bridge, no iptables: host networking only.
  setsid dockerd --bridge=none --iptables=false --ip6tables=false \
    >"$DOCKERD_LOG" 2>&1 </dev/null &
fi

for _ in $(seq 1 120); do
  if engine_up; then
    exit 0
  fi
  sleep 0.5
done
echo "engine.sh: dockerd did not come up in 60 s; last log lines:" >&2
tail -20 "$DOCKERD_LOG" >&2 || true
exit 1
