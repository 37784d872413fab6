# mcp-warden in a container: `docker build -t mcp-warden .`
# Stage 1 builds the package the way npm publishes it (dev dependencies, build, npm pack); stage 2
# installs only that tarball and its runtime dependencies on Node 20 slim, and runs as a non-root user.

FROM node:20-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
RUN npm run build && npm pack --pack-destination /tmp && mv /tmp/mcp-warden-*.tgz /tmp/mcp-warden.tgz

FROM node:20-slim
ENV NODE_ENV=production \
    MCP_WARDEN_STATE_DIR=/var/lib/mcp-warden
COPY --from=build /tmp/mcp-warden.tgz /tmp/mcp-warden.tgz
RUN npm install --global --omit=dev /tmp/mcp-warden.tgz \
    && rm /tmp/mcp-warden.tgz \
    && npm cache clean --force \
    && groupadd --system --gid 10001 warden \
    && useradd --system --uid 10001 --gid warden --home-dir /var/lib/mcp-warden --create-home warden \
    && mkdir -p /etc/mcp-warden
USER 10001:10001
WORKDIR /var/lib/mcp-warden
EXPOSE 8787
# /healthz and /readyz on the same port; metrics on their own with --metrics 0.0.0.0:9464 (needs metrics.token).
CMD ["mcp-warden", "serve", "--http", "0.0.0.0:8787", "--config", "/etc/mcp-warden/gateway.yaml"]
