# syntax=docker/dockerfile:1
#
# Omninanny image: the control-plane server by default, the worker agent with
# `node dist/agent/main.js --url ...` as the command. test/docker-start.e2e-spec.ts reads
# this file and runs its runtime steps (production install, entrypoint, HEALTHCHECK)
# outside Docker, so keep the instructions in the forms that test parses.

ARG NODE_IMAGE=node:24-bookworm-slim

# ---- Build stage: every dependency, Prisma client generation, the TypeScript build, and
# then the production-only node_modules that the runtime stage copies.
FROM ${NODE_IMAGE} AS build
WORKDIR /app
# Prisma's CLI runs here only for `prisma generate`, which needs no native schema engine
# (package.json points PRISMA_SCHEMA_ENGINE_BINARY at /bin/false). These two variables turn
# off its update check, a network request, and the update notice.
ENV CHECKPOINT_DISABLE=1 \
    PRISMA_HIDE_UPDATE_MESSAGE=1
COPY package.json package-lock.json ./
# No dependency needs its install scripts. Skipping them keeps the build independent of
# the npm version's default and stops @prisma/engines from downloading native engines.
RUN --mount=type=cache,target=/root/.npm \
    npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json nest-cli.json prisma.config.ts ./
COPY prisma ./prisma
COPY src ./src
RUN npm run build \
 && npm prune --omit=dev --ignore-scripts --no-audit --no-fund

# ---- Runtime stage: production node_modules, the build output and the migrations, owned
# by root and run by the unprivileged `node` user (uid 1000) of the Node image.
FROM ${NODE_IMAGE} AS runtime

# PID 1 is tini, not node. As PID 1, node would get SIGTERM only through a handler of its
# own, which the server (Nest shutdown hooks) and the agent both install. But node reaps
# only its own children. The worker agent, and the server's local worker on the embedded
# database, start game servers, and any child process that outlives its game server is
# reparented to PID 1, where node would leave it a zombie. tini forwards SIGTERM and SIGINT
# to its one child (the entrypoint, which execs the command) and reaps every zombie, so
# `docker run --init` is not needed. It comes from Debian, the base image's own archive.
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/*

# /data holds generated secrets and the embedded database when OMNINANNY_KEY,
# OMNINANNY_JWT_SECRET or DATABASE_URL are unset. The worker agent's state file lists the
# pids of its game servers, which end with the container, so it stays out of the volume
# (and the entrypoint removes one left by an earlier run of the same container).
ENV NODE_ENV=production \
    PORT=3000 \
    OMNINANNY_DATA_DIR=/data \
    OMNINANNY_AGENT_STATE_DIR=/tmp/omninanny-agent
WORKDIR /app
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# The server reads prisma/schema.prisma and prisma/migrations at start-up (relative to the
# package root), because it applies pending migrations itself.
COPY --from=build /app/prisma ./prisma
COPY --chmod=0755 docker/entrypoint.sh /usr/local/bin/omninanny-entrypoint
RUN mkdir -p /data && chown node:node /data

USER node
VOLUME ["/data"]
EXPOSE 3000

# Liveness through Node's built-in fetch, because the slim image has no curl or wget.
# It probes 127.0.0.1, so a HOST set to one non-loopback address makes it fail.
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/health/live', { signal: AbortSignal.timeout(3000) }).then((response) => process.exit(response.ok ? 0 : 1), () => process.exit(1))"]

ENTRYPOINT ["/usr/bin/tini", "--", "omninanny-entrypoint"]
CMD ["node", "dist/main.js"]
