# atlas-backup-emulator container image.
#
#   docker build -t atlas-backup-emulator .
#   docker run --rm -p 8080:8080 atlas-backup-emulator
#
# NODE_IMAGE is the runtime base: by default the official image of the current
# Node LTS line, node:24-slim. BUILD_IMAGE is the build-stage base; it defaults
# to NODE_IMAGE. Where Docker Hub cannot be reached, test/docker/base-image.sh
# makes both from Debian's archive (Debian trixie's nodejs, Node 20); the
# air-gapped build and the build arguments it needs are described at the top
# of that script, and test/docker/run.sh falls back to it by itself.
#
# Works with the classic builder and with BuildKit (no BuildKit-only syntax).
ARG NODE_IMAGE=node:24-slim
ARG BUILD_IMAGE=${NODE_IMAGE}

# ---------------------------------------------------------------------------
FROM ${BUILD_IMAGE} AS build
WORKDIR /src

# Toolchain for better-sqlite3's node-gyp fallback (used when its prebuilt
# binary cannot be downloaded). Skipped when the base image already has it.
RUN if ! command -v python3 >/dev/null || ! command -v make >/dev/null \
       || ! command -v g++ >/dev/null; then \
      apt-get update \
      && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
           python3 make g++ \
      && rm -rf /var/lib/apt/lists/*; \
    fi

# Optional extra CA certificates (PEM *.crt) for builds behind a TLS-
# intercepting proxy; the folder holds only a README by default. Build stage
# only: nothing of it reaches the runtime image.
COPY test/docker/ca/ /tmp/extra-ca/
RUN cat /tmp/extra-ca/*.crt > /tmp/extra-ca.pem 2>/dev/null || true

# npm registry to install from, when not npm's default (run.sh passes the
# build host's `npm config get registry`).
ARG NPM_CONFIG_REGISTRY=

# Dependencies first (cached until the lockfile changes). Their install
# scripts are skipped and the only native dependency is built explicitly,
# with node-gyp pointed at the base image's own Node headers, so nothing but
# the registry is fetched.
COPY package.json package-lock.json ./
RUN set -eu; \
    if [ -z "${NPM_CONFIG_REGISTRY:-}" ]; then unset NPM_CONFIG_REGISTRY; fi; \
    if [ -s /tmp/extra-ca.pem ]; then export NODE_EXTRA_CA_CERTS=/tmp/extra-ca.pem; fi; \
    nodedir="$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")"; \
    if [ -z "${npm_config_nodedir:-}" ] && [ -f "$nodedir/include/node/node_version.h" ]; then \
      export npm_config_nodedir="$nodedir"; \
    fi; \
    npm ci --ignore-scripts --no-audit --no-fund --cache /tmp/npm-cache; \
    npm rebuild better-sqlite3 --foreground-scripts; \
    node -e "new (require('better-sqlite3'))(':memory:').prepare('select 1').get()"; \
    rm -rf /tmp/npm-cache

# Compile TypeScript (what `prepack` does: the validators first, written by
# scripts/generate-validators.ts), then drop the source maps (for debugging
# from a checkout), dev dependencies, the type packages (for TypeScript users
# of the package, not the image) and better-sqlite3's build leftovers
# (sources, objects, static lib).
COPY tsconfig.json ./
COPY scripts/generate-validators.ts ./scripts/
COPY src ./src
RUN set -eu; \
    npm run build; \
    rm -f dist/*.map; \
    npm prune --omit=dev --ignore-scripts --no-audit --no-fund; \
    rm -rf node_modules/@types node_modules/undici-types; \
    cd node_modules/better-sqlite3; \
    rm -rf deps src build/deps build/Release/obj build/Release/obj.target \
           build/Release/.deps build/Release/sqlite3.a build/Release/test_extension.node; \
    cd /src; \
    find node_modules -mindepth 1 -maxdepth 1 -type d -empty -delete; \
    node -e "new (require('better-sqlite3'))(':memory:').prepare('select 1').get()"

# ---------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime

LABEL org.opencontainers.image.title="atlas-backup-emulator" \
      org.opencontainers.image.description="Emulator of the MongoDB Atlas Admin API legacy-backup checkpoints resource, with HTTP Digest auth" \
      org.opencontainers.image.licenses="Apache-2.0"

# Listen on all interfaces inside the container. The database is in memory
# unless ATLAS_EMU_DB is set, e.g. ATLAS_EMU_DB=/data/emulator.db with a
# volume on /data (an existing database file is used as is, never re-seeded).
# Fixture documents can be mounted anywhere, e.g. -v ./my-fixtures:/fixtures:ro
# with ATLAS_EMU_FIXTURES=/fixtures.
ENV NODE_ENV=production \
    ATLAS_EMU_HOST=0.0.0.0 \
    ATLAS_EMU_PORT=8080

WORKDIR /app
RUN mkdir -p /data /app/.compile-cache && chown node:node /data /app/.compile-cache

COPY --from=build /src/node_modules ./node_modules
COPY --from=build /src/dist ./dist
# The default dataset and its schema; not the contract test data beside them.
COPY fixtures/default.json fixtures/fixture.schema.json ./fixtures/
COPY package.json ./

USER node

# V8's compile cache (Node 22.1 and later; src/cli.ts turns it on): filled here by one start
# of the emulator, as the user that runs it (the cache is kept per user), so that every
# container starts from compiled code instead of compiling the emulator again. Node 20 has
# none and leaves the folder empty.
ENV NODE_COMPILE_CACHE=/app/.compile-cache
RUN set -eu; \
    node dist/cli.js --port 0 --log-level warn > /tmp/start.log & pid=$!; \
    for i in $(seq 300); do grep -q ' ready at ' /tmp/start.log && break; sleep 0.1; done; \
    grep -q ' ready at ' /tmp/start.log; \
    kill -TERM "$pid"; wait "$pid"; rm /tmp/start.log
VOLUME /data
EXPOSE 8080

# No curl in the image: Node's own http client (cheaper to start than fetch).
# Follows ATLAS_EMU_PORT, so it also works with --network host and another
# port. A short interval makes `healthy` come soon after start (engines >= 25
# could add --start-interval; older builders reject that flag).
HEALTHCHECK --interval=2s --timeout=5s --start-period=10s --retries=3 \
  CMD ["node", "-e", "require('http').get({host:'127.0.0.1',port:process.env.ATLAS_EMU_PORT||8080,path:'/_emulator/health',timeout:4000},r=>process.exit(r.statusCode===200?0:1)).on('error',()=>process.exit(1)).on('timeout',()=>process.exit(1))"]

# Exec form: node is PID 1 and receives SIGTERM/SIGINT itself; the server
# closes gracefully and exits 0 (docker stop).
CMD ["node", "dist/cli.js"]
