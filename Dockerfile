# The lake export job (src/infra/exportJob.ts runs it on ECS Fargate, ARM64):
#   node bin/snaq.js lake export-job
# Built by `cdk deploy` from the context CDK stages at synth (.dockerignore keeps it to what is copied here).
FROM node:22-bookworm-slim

ENV NODE_ENV=production
WORKDIR /app

# Runtime dependencies only (tsx, @duckdb/node-api, mysql2, aws4fetch, zod, commander, …), from the lock file.
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# The CLI is TypeScript run through tsx, so the sources are the program.
COPY bin/ ./bin/
COPY src/ ./src/
COPY tsconfig*.json ./

# The code stays root-owned (read-only to the job); only the job's working folder is writable.
RUN install -d -o node -g node /app/.snaq
USER node

ENTRYPOINT ["node", "bin/snaq.js"]
CMD ["lake", "export-job"]
