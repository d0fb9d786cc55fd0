# The web tier. Build from the repository root: docker build -f deploy/web.Dockerfile -t mcpstack-web .
# The build step is the same `npm run build:image` that test.sh runs (and whose output the browser tests run).
FROM node:20-bookworm-slim AS build
WORKDIR /web
COPY web/package.json web/package-lock.json web/.npmrc ./
RUN npm install --no-audit --no-fund
COPY web/ ./
RUN npm run build:image

# Runtime: only the standalone server, its static files and the bundled auth migration (node migrate.mjs).
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production NEXT_TELEMETRY_DISABLED=1 PORT=3000 HOSTNAME=0.0.0.0
COPY --from=build --chown=node:node /web/.next/standalone ./
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=5s --start-period=15s --retries=3 \
  CMD ["node", "-e", "fetch('http://localhost:3000/sign-in').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "server.js"]
