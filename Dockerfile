# Worker image: compiled TypeScript and the workflow bundle built at image build,
# production dependencies only, running as the non-root node user (uid 1000).
# Production runs Node.js 24 LTS (22 LTS works too); Node 20 is for development only.
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY config ./config
COPY activities ./activities
COPY workflows ./workflows
COPY worker ./worker
COPY client ./client
COPY local ./local
COPY engines ./engines
RUN npm run build

FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
# uid:gid 1000:1000 is the image's node user; numeric, so Kubernetes can check runAsNonRoot.
USER 1000:1000
EXPOSE 9464
STOPSIGNAL SIGTERM
CMD ["node", "dist/worker/main.js", "--serve"]
