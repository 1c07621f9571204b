# The codetether image: `serve` and `worker` (deploy/k8s/). Build: docker build -t codetether .
# Build stage: the full toolchain bundles dist/.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

# Runtime: the bundles, production dependencies (native addons, servers, SDKs loaded from node_modules),
# git for worktrees and bubblewrap for the tools' sandbox. Runs as the unprivileged `node` user.
FROM node:20-bookworm-slim
RUN apt-get update \
  && apt-get install -y --no-install-recommends git bubblewrap ca-certificates \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY bin ./bin
ENV NODE_ENV=production
# /data: the data dir deploy/compose.yaml mounts a volume on (a new volume takes this owner).
RUN mkdir /workspace /data && chown node:node /workspace /data
USER node
WORKDIR /workspace
EXPOSE 4096 50051
# --v8-pool-size=0: V8's helper threads sized to the machine (src/cli/serve/node-flags.ts says why).
ENTRYPOINT ["node", "--v8-pool-size=0", "/app/bin/codetether"]
CMD ["serve", "--hostname", "0.0.0.0"]
