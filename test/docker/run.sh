#!/usr/bin/env bash
# End-to-end test of the container image (npm run test:docker).
#
# Builds the image, runs it with host networking on a free loopback port and
# checks it from outside like a user would: Digest auth with curl, paging,
# health, the ready line, the non-root user, graceful stop, persistence of a
# volume-backed database, and a Testcontainers test. Prints `ok N - name` /
# `not ok N - name`, measurements as `# ...` lines, and finally
# `N passed, M failed`; exits non-zero on any failure.
#
# Environment:
#   IMAGE          tag to build and test (default atlas-backup-emulator:dev)
#   NODE_IMAGE     runtime base; default: the Dockerfile's default base,
#                  node:24-slim, if it is present or can be pulled, otherwise
#                  the air-gapped Node 20 base made by base-image.sh
#   BUILD_IMAGE    build-stage base (default: NODE_IMAGE, or the air-gapped
#                  build base together with the air-gapped runtime base)
#   SKIP_BUILD=1   test an already built IMAGE
#   SKIP_TESTCONTAINERS=1  skip the Testcontainers test
#
# All traffic stays on loopback: containers use --network host and listen on
# 127.0.0.1 only.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
IMAGE="${IMAGE:-atlas-backup-emulator:dev}"
PROJECT=6b8cd3c380eef5349ef77af7
CLUSTER=Cluster0
PUBLIC_KEY=emulator
PRIVATE_KEY=6f2d8a1c-3b4e-4f5a-9c7d-0e1f2a3b4c5d
RUN_ID="$$"
TMP="$(mktemp -d /tmp/atlas-emu-docker-test.XXXXXX)"

now_ms() { date +%s%3N; }
SUITE_START=$(now_ms)

passed=0
failed=0
n=0
CONTAINERS=()
VOLUMES=()

ok() { n=$((n + 1)); passed=$((passed + 1)); echo "ok $n - $1"; }
not_ok() {
  n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"
  if [ -n "${2:-}" ]; then printf '%s\n' "$2" | sed 's/^/#   /'; fi
}
check() { # check NAME COMMAND...: ok when COMMAND succeeds
  local name="$1"; shift
  local out
  if out="$("$@" 2>&1)"; then ok "$name"; else not_ok "$name" "$out"; fi
}
note() { echo "# $*"; }

cleanup() {
  local c v
  for c in "${CONTAINERS[@]+"${CONTAINERS[@]}"}"; do docker rm -f -v "$c" >/dev/null 2>&1 || true; done
  for v in "${VOLUMES[@]+"${VOLUMES[@]}"}"; do docker volume rm -f "$v" >/dev/null 2>&1 || true; done
  rm -rf "$TMP"
}
trap cleanup EXIT

free_port() {
  node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"
}

# json FILE EXPR: evaluate a JS expression over the parsed file (bound to `d`).
json() { node -e "const d=JSON.parse(require('fs').readFileSync(process.argv[1],'utf8'));const v=($2);console.log(typeof v==='string'?v:JSON.stringify(v))" "$1"; }

api() { # api PATH_AND_QUERY OUTFILE -> prints the HTTP status
  curl -sS --digest --user "$PUBLIC_KEY:$PRIVATE_KEY" -o "$2" -w '%{http_code}' "http://127.0.0.1:$PORT$1"
}

wait_http_200() { # wait_http_200 URL TIMEOUT_S
  local deadline=$(( $(now_ms) + $2 * 1000 ))
  while [ "$(now_ms)" -lt "$deadline" ]; do
    if [ "$(curl -s -o /dev/null -w '%{http_code}' "$1" 2>/dev/null)" = 200 ]; then return 0; fi
    sleep 0.05
  done
  return 1
}

wait_healthy() { # wait_healthy CONTAINER TIMEOUT_S
  local deadline=$(( $(now_ms) + $2 * 1000 )) status
  while [ "$(now_ms)" -lt "$deadline" ]; do
    status="$(docker inspect -f '{{if .State.Health}}{{.State.Health.Status}}{{end}}' "$1" 2>/dev/null || true)"
    if [ "$status" = healthy ]; then return 0; fi
    sleep 0.1
  done
  echo "health status: ${status:-none}"
  docker inspect -f '{{json .State.Health}}' "$1" 2>/dev/null | head -c 2000
  return 1
}

run_container() { # run_container NAME [docker run args...] (NAME must be in CONTAINERS)
  local name="$1"; shift
  docker run -d --name "$name" --network host \
    -e ATLAS_EMU_HOST=127.0.0.1 -e ATLAS_EMU_PORT="$PORT" "$@" "$IMAGE" >/dev/null
}

# ---------------------------------------------------------------------------
# Engine, base image, build
bash "$HERE/engine.sh"
note "docker engine $(docker version -f '{{.Server.Version}}' 2>/dev/null)"

BUILDER_ENV=()
if ! docker buildx version >/dev/null 2>&1; then
  BUILDER_ENV=(DOCKER_BUILDKIT=0) # no buildx plugin: the classic builder
fi

# The base images and registry: for the build, and for the documentation's own docker build examples.
if [ -z "${NODE_IMAGE:-}" ]; then
  # Keep in step with the Dockerfile's `ARG NODE_IMAGE` default.
  default_base=node:24-slim
  if docker image inspect "$default_base" >/dev/null 2>&1 \
     || timeout 20 docker pull -q "$default_base" >/dev/null 2>&1; then
    NODE_IMAGE="$default_base"
  else
    note "$default_base cannot be pulled: using the air-gapped Debian base (base-image.sh)"
    t=$(now_ms)
    bash "$HERE/base-image.sh"
    note "base images ready in $(( ($(now_ms) - t) / 1000 )) s"
    NODE_IMAGE=atlas-emu-node20-base:trixie
    BUILD_IMAGE="${BUILD_IMAGE:-atlas-emu-node20-build:trixie}"
  fi
fi
BUILD_IMAGE="${BUILD_IMAGE:-$NODE_IMAGE}"

# Behind a TLS-intercepting proxy the host's CA bundle must be trusted by
# npm inside the build: hand it over through the (git-ignored) CA folder.
host_ca="${NODE_EXTRA_CA_CERTS:-}"
if [ -z "$host_ca" ]; then host_ca="$(npm config get cafile 2>/dev/null || true)"; fi
if [ -n "$host_ca" ] && [ "$host_ca" != null ] && [ "$host_ca" != undefined ] && [ -s "$host_ca" ]; then
  cp "$host_ca" "$ROOT/test/docker/ca/host-bundle.crt"
fi
registry="$(npm config get registry 2>/dev/null || true)"

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  note "building $IMAGE (runtime base $NODE_IMAGE, build base $BUILD_IMAGE, registry $registry)"
  t=$(now_ms)
  if ! env "${BUILDER_ENV[@]+"${BUILDER_ENV[@]}"}" docker build --network host \
        --build-arg NODE_IMAGE="$NODE_IMAGE" --build-arg BUILD_IMAGE="$BUILD_IMAGE" \
        --build-arg NPM_CONFIG_REGISTRY="$registry" \
        -t "$IMAGE" "$ROOT" >"$TMP/build.log" 2>&1; then
    tail -40 "$TMP/build.log" | sed 's/^/#   /'
    not_ok "docker build"
    echo "$passed passed, $failed failed"
    exit 1
  fi
  note "docker build took $(( ($(now_ms) - t) / 1000 )) s"
  ok "docker build"
fi

# Sizes: the whole image, and the layers this Dockerfile adds above its base.
size_bytes="$(docker image inspect -f '{{.Size}}' "$IMAGE")"
note "image size: $(( size_bytes / 1000000 )) MB ($size_bytes bytes)"
if [ -n "${NODE_IMAGE:-}" ] && docker image inspect "$NODE_IMAGE" >/dev/null 2>&1; then
  own_rows=$(( $(docker history -q "$IMAGE" | wc -l) - $(docker history -q "$NODE_IMAGE" | wc -l) ))
  own_bytes="$(docker history -H=false --format '{{.Size}}' "$IMAGE" | head -n "$own_rows" | awk '{s+=$1} END{print s+0}')"
  own_layers=$(( $(docker image inspect -f '{{len .RootFS.Layers}}' "$IMAGE") - $(docker image inspect -f '{{len .RootFS.Layers}}' "$NODE_IMAGE") ))
  note "above the base ($NODE_IMAGE): $own_layers filesystem layers, $(( own_bytes / 1000000 )) MB ($own_bytes bytes):"
  docker history --format '{{.Size}}\t{{.CreatedBy}}' "$IMAGE" | head -n "$own_rows" | cut -c1-110 | sed 's/^/#   /'
fi

# The documentation's Docker examples (docs/docker.md), as test/helpers/doc-examples.ts extracts them.
if out="$(cd "$ROOT" && NODE_IMAGE="$NODE_IMAGE" BUILD_IMAGE="$BUILD_IMAGE" NPM_CONFIG_REGISTRY="$registry" \
          node --import tsx test/helpers/doc-examples.ts --docker "$IMAGE" 2>&1)"; then
  ok "documentation's Docker examples ($(tail -1 <<<"$out"))"
else not_ok "documentation's Docker examples" "$out"; fi

# ---------------------------------------------------------------------------
# One container for the API checks
PORT="$(free_port)"
BASE="http://127.0.0.1:$PORT"
MAIN="atlas-emu-test-main-$RUN_ID"
CONTAINERS+=("$MAIN")
t_run=$(now_ms)
run_container "$MAIN"
if wait_http_200 "$BASE/_emulator/health" 30; then
  note "docker run -> first 200: $(( $(now_ms) - t_run )) ms"
  ok "container answers /_emulator/health with 200"
else
  not_ok "container answers /_emulator/health with 200" "$(docker logs "$MAIN" 2>&1 | tail -20)"
fi

# (a) no credentials: 401 with the Digest challenge, before anything else
LIST="/api/atlas/v1.0/groups/$PROJECT/clusters/$CLUSTER/backupCheckpoints"
status="$(curl -sS -o "$TMP/a.body" -D "$TMP/a.headers" -w '%{http_code}' "$BASE$LIST" || true)"
challenge="$(grep -i '^www-authenticate:' "$TMP/a.headers" | tr -d '\r' || true)"
if [ "$status" = 401 ] && printf '%s' "$challenge" | grep -qi '^www-authenticate: Digest realm="MMS Public API"'; then
  ok "unauthenticated GET -> 401 with a Digest challenge (${challenge:0:60}...)"
else
  not_ok "unauthenticated GET -> 401 with a Digest challenge" "status=$status challenge=$challenge"
fi

# (b) curl --digest walk over every page via rel=next links
walk() {
  local url="$LIST?itemsPerPage=7&pageNum=1" pages=0 total="" code
  : >"$TMP/ids"
  while [ -n "$url" ]; do
    pages=$((pages + 1))
    [ "$pages" -le 20 ] || { echo "more than 20 pages"; return 1; }
    code="$(api "$url" "$TMP/page.json")"
    [ "$code" = 200 ] || { echo "page $pages: HTTP $code: $(head -c 300 "$TMP/page.json")"; return 1; }
    json "$TMP/page.json" 'd.results.map(r=>r.id).join("\n")' >>"$TMP/ids"
    total="$(json "$TMP/page.json" 'd.totalCount')"
    url="$(json "$TMP/page.json" '((d.links||[]).find(l=>l.rel==="next")||{}).href||""')"
    url="${url#http://127.0.0.1:$PORT}"
    case "$url" in http*) echo "next link to another origin: $url"; return 1 ;; esac
  done
  local count unique
  count="$(grep -c . "$TMP/ids")"; unique="$(sort -u "$TMP/ids" | grep -c .)"
  echo "pages=$pages totalCount=$total ids=$count unique=$unique"
  [ "$total" = 61 ] && [ "$count" = 61 ] && [ "$unique" = 61 ] && [ "$pages" = 9 ]
}
if out="$(walk 2>&1)"; then
  ok "curl --digest walk over all pages (itemsPerPage=7) sees 61 checkpoints once each ($(tail -1 <<<"$out"))"
else
  not_ok "curl --digest walk over all pages (itemsPerPage=7) sees 61 checkpoints once each" "$out"
fi

# (c) Docker health check
if out="$(wait_healthy "$MAIN" 30 2>&1)"; then
  note "docker run -> healthy: $(( $(now_ms) - t_run )) ms"
  ok "docker health status becomes healthy"
else
  not_ok "docker health status becomes healthy" "$out"
fi

# (d) the ready line
check "ready line in docker logs" \
  bash -c "docker logs '$MAIN' 2>/dev/null | grep -Fx 'atlas-backup-emulator ready at http://127.0.0.1:$PORT'"

# (e) not root: both a process started by exec and PID 1 itself (seen from the host)
uid_exec="$(docker exec "$MAIN" id -u 2>&1 || true)"
pid="$(docker inspect -f '{{.State.Pid}}' "$MAIN")"
uid_pid1="$(awk '/^Uid:/{print $2}' "/proc/$pid/status" 2>/dev/null || echo unknown)"
# argv[0], not /proc/PID/comm: Node 24 names its main thread MainThread.
comm_pid1="$(tr '\0' '\n' <"/proc/$pid/cmdline" 2>/dev/null | head -n 1 || true)"
comm_pid1="$(basename "${comm_pid1:-unknown}")"
if [ "$uid_exec" != 0 ] && [ "$uid_pid1" != 0 ] && [ "$uid_pid1" != unknown ] && [ "$comm_pid1" = node ]; then
  ok "runs as non-root: PID 1 is node with uid $uid_pid1, docker exec id -u = $uid_exec"
else
  not_ok "runs as non-root (PID 1 is node)" "exec uid=$uid_exec pid1 uid=$uid_pid1 comm=$comm_pid1"
fi

# (f) docker stop (SIGTERM) is quick and clean
t=$(now_ms)
docker stop -t 10 "$MAIN" >/dev/null
stop_ms=$(( $(now_ms) - t ))
exit_code="$(docker inspect -f '{{.State.ExitCode}}' "$MAIN")"
note "docker stop took $stop_ms ms, exit code $exit_code"
if [ "$stop_ms" -lt 2000 ] && [ "$exit_code" = 0 ]; then
  ok "docker stop -t 10 (SIGTERM) completes in ${stop_ms} ms with exit code 0"
else
  not_ok "docker stop -t 10 (SIGTERM) completes within 2 s with exit code 0" \
    "took ${stop_ms} ms, exit code $exit_code; $(docker logs "$MAIN" 2>&1 | tail -5)"
fi

# (g) volume-backed database survives a new container; an existing DB is not re-seeded
# Named here, not in the function: it runs in a subshell, and the cleanup trap must know them.
PERSIST_VOLUME="atlas-emu-test-data-$RUN_ID"
PERSIST_FIRST="atlas-emu-test-db1-$RUN_ID"
PERSIST_SECOND="atlas-emu-test-db2-$RUN_ID"
CONTAINERS+=("$PERSIST_FIRST" "$PERSIST_SECOND")
VOLUMES+=("$PERSIST_VOLUME")
persistence() {
  local vol="$PERSIST_VOLUME" first="$PERSIST_FIRST" second="$PERSIST_SECOND"
  local fixture_project=d0c4e1000000000000000001 fixture_cluster=DockerCluster
  local path="/api/atlas/v1.0/groups/$fixture_project/clusters/$fixture_cluster/backupCheckpoints"
  docker volume create "$vol" >/dev/null
  run_container "$first" -v "$vol:/data" -v "$HERE/fixture-persistence.json:/fixtures/persistence.json:ro" \
    -e ATLAS_EMU_DB=/data/emulator.db -e ATLAS_EMU_FIXTURES=/fixtures
  wait_http_200 "$BASE/_emulator/ready" 30 || { echo "first container not ready"; docker logs "$first" 2>&1 | tail; return 1; }
  code="$(api "$path" "$TMP/g1.json")"
  [ "$code" = 200 ] || { echo "first container: HTTP $code $(head -c 300 "$TMP/g1.json")"; return 1; }
  docker stop -t 10 "$first" >/dev/null

  run_container "$second" -v "$vol:/data" -e ATLAS_EMU_DB=/data/emulator.db
  wait_http_200 "$BASE/_emulator/ready" 30 || { echo "second container not ready"; docker logs "$second" 2>&1 | tail; return 1; }
  code="$(api "$path" "$TMP/g2.json")"
  [ "$code" = 200 ] || { echo "second container: HTTP $code $(head -c 300 "$TMP/g2.json")"; return 1; }
  ids="$(json "$TMP/g2.json" 'd.results.map(r=>r.id).join(",")')"
  [ "$ids" = d0c4e1000000000000000003 ] || { echo "second container serves ids [$ids]"; return 1; }
  # Not re-seeded: the default dataset's project is not in this database.
  code="$(api "$LIST" "$TMP/g3.json")"
  [ "$code" = 404 ] || { echo "default project answered HTTP $code in the fixture-only database"; return 1; }
  docker stop -t 10 "$second" >/dev/null
  echo "checkpoint $ids served again from the volume; default project absent (404)"
}
if out="$(persistence 2>&1)"; then
  ok "database on a volume persists across containers, not re-seeded ($(tail -1 <<<"$out"))"
else
  not_ok "database on a volume persists across containers, not re-seeded" "$out"
fi

# (h) Testcontainers
if [ "${SKIP_TESTCONTAINERS:-0}" != 1 ]; then
  if [ -d "$ROOT/node_modules/testcontainers" ]; then
    tc_port="$(free_port)"
    if out="$(cd "$ROOT" && IMAGE="$IMAGE" TEST_PORT="$tc_port" \
              TESTCONTAINERS_RYUK_DISABLED=true \
              npx tap --disable-coverage --reporter=tap test/docker/testcontainers.test.ts 2>&1)"; then
      ok "Testcontainers test (test/docker/testcontainers.test.ts)"
    else
      not_ok "Testcontainers test (test/docker/testcontainers.test.ts)" "$(tail -40 <<<"$out")"
    fi
  else
    not_ok "Testcontainers test: node_modules/testcontainers missing (npm ci)"
  fi
fi

note "suite wall time: $(( ($(now_ms) - SUITE_START) / 1000 )) s"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
