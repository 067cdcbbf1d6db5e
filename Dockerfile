# syntax=docker/dockerfile:1
# planbrygga: one image for the API (`serve`) and the workers (`worker`).

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src src
COPY adapters adapters
COPY migrations migrations
RUN npm run build

FROM node:20-bookworm-slim AS runtime
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist dist
ENV HOST=0.0.0.0 \
    PORT=3000
USER node
EXPOSE 3000
# The slim image has no curl; node's fetch does the probe.
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT}/health`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# The service's Node.js flags: src/service-node-flags.ts.
ENV NODE_OPTIONS="--max-semi-space-size=64"
ENTRYPOINT ["node", "dist/src/cli/main.js"]
CMD ["serve"]
