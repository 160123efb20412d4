#!/usr/bin/env bash
# Air-gapped base images: Node.js 20 on Debian trixie, built from Debian's
# package archive with debootstrap + `docker import`, for machines that cannot
# reach Docker Hub (so the Dockerfile's default base, `node:24-slim`, cannot be
# pulled) but can reach a Debian mirror and the npm registry. test/docker/run.sh
# falls back to these images by itself when the default base cannot be pulled.
#
#   atlas-emu-node20-base:trixie   runtime: minbase + nodejs + ca-certificates,
#                                  user `node` (uid/gid 1000) like the official image
#   atlas-emu-node20-build:trixie  build:   the above + npm, python3, make, g++,
#                                  libnode-dev (Node headers for node-gyp)
#
# Use them with:
#   docker build --network host \
#     --build-arg NODE_IMAGE=atlas-emu-node20-base:trixie \
#     --build-arg BUILD_IMAGE=atlas-emu-node20-build:trixie -t atlas-backup-emulator .
#
# Idempotent: an image whose tag already exists is kept (FORCE=1 rebuilds).
# Needs root, debootstrap (installed from apt if missing) and a Docker engine.
set -euo pipefail

RUNTIME_TAG="${RUNTIME_TAG:-atlas-emu-node20-base:trixie}"
BUILD_TAG="${BUILD_TAG:-atlas-emu-node20-build:trixie}"
SUITE="${SUITE:-trixie}"
MIRROR="${DEBIAN_MIRROR:-}"   # empty: debootstrap's own default mirror
FORCE="${FORCE:-0}"

have_image() { docker image inspect "$1" >/dev/null 2>&1; }
log() { echo "base-image.sh: $*" >&2; }

if [ "$FORCE" != 1 ] && have_image "$RUNTIME_TAG" && have_image "$BUILD_TAG"; then
  log "cached: $RUNTIME_TAG and $BUILD_TAG"
  exit 0
fi

start=$(date +%s)

if [ "$FORCE" = 1 ] || ! have_image "$RUNTIME_TAG"; then
  if ! command -v debootstrap >/dev/null 2>&1; then
    log "installing debootstrap"
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap >/dev/null
  fi
  work="$(mktemp -d /var/tmp/atlas-emu-rootfs.XXXXXX)"
  trap 'rm -rf "$work"' EXIT
  rootfs="$work/rootfs"
  log "debootstrap $SUITE (minbase + nodejs) into $rootfs"
  # shellcheck disable=SC2086 # $MIRROR is empty or one word
  debootstrap --variant=minbase --include=nodejs,ca-certificates \
    "$SUITE" "$rootfs" $MIRROR >"$work/debootstrap.log" 2>&1 || {
      tail -30 "$work/debootstrap.log" >&2; exit 1; }

  # Same user as the official node images, so the Dockerfile's `USER node`
  # works with either base.
  chroot "$rootfs" groupadd --gid 1000 node
  chroot "$rootfs" useradd --uid 1000 --gid node --shell /bin/sh --create-home node

  # Keep the runtime base small: no package lists, caches, docs or man pages.
  # dpkg/apt stay, so the image can still be extended with apt-get.
  cat >"$rootfs/etc/dpkg/dpkg.cfg.d/01-nodoc" <<'CFG'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
CFG
  find "$rootfs/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete 2>/dev/null || true
  rm -rf "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/* "$rootfs"/usr/share/locale/* \
         "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/*.bin \
         "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/log/* "$rootfs"/tmp/*
  # The build host's resolv.conf/hostname must not leak into the image.
  : >"$rootfs/etc/resolv.conf"
  echo localhost >"$rootfs/etc/hostname"

  node_version="$(chroot "$rootfs" node --version)"
  log "importing $RUNTIME_TAG (node $node_version)"
  tar --numeric-owner -C "$rootfs" -c . | docker import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'ENV LANG=C.UTF-8' \
    --change 'CMD ["node"]' \
    --message "debootstrap $SUITE minbase + nodejs $node_version" \
    - "$RUNTIME_TAG" >/dev/null
  rm -rf "$work"
  trap - EXIT
fi

if [ "$FORCE" = 1 ] || ! have_image "$BUILD_TAG"; then
  log "building $BUILD_TAG (npm + toolchain for node-gyp)"
  # apt inside the build reaches the same Debian mirror; host network only.
  DOCKER_BUILDKIT=0 docker build --network host -q -t "$BUILD_TAG" - >/dev/null <<DOCKERFILE
FROM $RUNTIME_TAG
RUN apt-get update \\
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \\
      npm python3 make g++ libnode-dev \\
 && rm -rf /var/lib/apt/lists/* \\
 && test -f /usr/include/node/node_version.h
# node-gyp: use Debian's Node headers instead of downloading them.
ENV npm_config_nodedir=/usr
DOCKERFILE
fi

log "done in $(( $(date +%s) - start )) s: $RUNTIME_TAG, $BUILD_TAG"
docker image ls --format '{{.Repository}}:{{.Tag}} {{.Size}}' | grep -E "^(${RUNTIME_TAG}|${BUILD_TAG}) " >&2 || true
