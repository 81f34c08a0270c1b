# Keyport production image: migrations (unless KEYPORT_MIGRATE_ON_START=0), then the Keyport server (server.ts).
FROM node:20-bookworm-slim AS build
WORKDIR /app
ENV NEXT_TELEMETRY_DISABLED=1 PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
COPY package.json package-lock.json ./
COPY prisma ./prisma
COPY prisma.config.ts ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production NEXT_TELEMETRY_DISABLED=1
RUN apt-get update && apt-get install -y --no-install-recommends openssl && rm -rf /var/lib/apt/lists/*
COPY --from=build /app ./
USER node
EXPOSE 3000
STOPSIGNAL SIGTERM
# Migrations: `docker-compose` runs them once (service migrate); a single container can run them first itself.
# The server is PID 1's direct child of sh's exec: SIGTERM reaches it and it stops gracefully. A 64 MB
# semi-space (V8's young generation) as in `npm start`: fewer scavenges per request (README, Performance).
CMD ["sh", "-c", "[ \"$KEYPORT_MIGRATE_ON_START\" = 0 ] || npm run db:migrate; exec node --max-semi-space-size=64 --import tsx server.ts --hostname 0.0.0.0 --port 3000"]
