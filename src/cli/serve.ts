/** `snaq serve` (what `npm start` runs): the local stack, with a clean stop on SIGINT/SIGTERM. */
import { jsonLinesTo, teeLoggers } from '../api/accessLog';
import { AuditFileWriter, auditLogConfigFromEnv } from '../api/auditFiles';
import { isAuditLine } from '../contract/audit';
import { serverConfigFromEnv } from '../api/config';
import { startLocalServer } from '../api/server';
import { DEV_CREDENTIALS } from '../contract/devCredentials';
import { chooseLakeDir } from '../lake/manifest';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { startWorkbench } from '../workbench/workbench';
import { openLocalService } from './localStack';
import { identityConfigFromEnv, idTokenVerifier } from '../api/identity/config';
import { loadOrCreateLocalIssuer } from '../api/identity/localIssuer';

export async function serve(flags: { port?: number; host?: string; lake?: string }): Promise<void> {
  const config = serverConfigFromEnv();
  const auditConfig = auditLogConfigFromEnv();
  if (flags.port !== undefined) config.port = flags.port;
  if (flags.host !== undefined) config.host = flags.host;
  const lakeDir = chooseLakeDir(flags.lake).dir;
  const say = (line: string) => process.stderr.write(`${line}\n`);
  // Google's issuer when configured; otherwise a local one whose key lives in .snaq/identity, so people can be tried offline.
  const google = identityConfigFromEnv();
  const localIssuer = google ? undefined : loadOrCreateLocalIssuer(path.resolve('.snaq', 'identity', 'local-issuer.json'));
  const identity = localIssuer ? { localIssuer } : { idTokens: idTokenVerifier(google!) };
  const service = await openLocalService({
    lake: flags.lake,
    say,
    service: { queryTimeoutMs: config.queryTimeoutMs, syncBudgetMs: config.syncBudgetMs },
  });
  // Every line to stdout; audit lines also to the rotating files `snaq audit` reads.
  const auditFiles = new AuditFileWriter({ ...auditConfig, warn: say });
  const log = teeLoggers(
    jsonLinesTo((line) => process.stdout.write(line)),
    (entry) => {
      if (isAuditLine(entry)) auditFiles.write(entry);
    },
  );
  let server;
  try {
    server = await startLocalServer({ service, config, log, ...identity });
  } catch (error) {
    await service.engine.close();
    throw error;
  }
  // The workbench needs the built add-on (npm start builds it first).
  const addonDir = path.resolve('dist', 'addon');
  const workbench =
    process.env.SNAQ_WORKBENCH !== '0' && existsSync(path.join(addonDir, 'Code.js'))
      ? await startWorkbench((handler) => server.mount(handler), {
          apiUrl: server.url,
          addonDir,
          credentials: config.credentials[0]!,
          // The workbench's sample people get tokens from the local issuer (none under Google identity).
          ...(localIssuer ? { identityTokenFor: (email: string) => localIssuer.tokenFor(email) } : {}),
        }).catch((error: Error) => {
          say(`Workbench unavailable (${error.message}); the API is running.`);
          return undefined;
        })
      : undefined;
  say(
    [
      `snaq metrics API listening on ${server.url} (engine: duckdb, lake: ${lakeDir})`,
      workbench ? `  Workbench (the sidebar on an emulated sheet): ${server.url}/` : '  No workbench: run `npm run build` first.',
      `  Audit trail: ${path.resolve(auditConfig.dir)} (one file per UTC day, kept ${auditConfig.retentionDays} days; read it with npx snaq audit)`,
      `  Requests must be SigV4-signed: service execute-api, region ${config.region}.`,
      config.usesDevCredentials
        ? `  Development key: ${DEV_CREDENTIALS.accessKeyId} / ${DEV_CREDENTIALS.secretAccessKey}`
        : `  Access key: ${config.credentials[0]!.accessKeyId} (secret from SNAQ_SECRET_ACCESS_KEY)`,
      localIssuer
        ? `  People: a local issuer (.snaq/identity) signs the workbench's sample people; its keys: ${server.url}/.well-known/snaq-local-jwks.json`
        : `  People: Google ID tokens for client ${google!.audience} in ${google!.domain}.`,
      `  Try: npx snaq query revenue --from 2024-01-01 --to 2025-01-01 --grain month --url ${server.url}`,
      `  Stop with Ctrl-C.`,
    ].join('\n'),
  );
  await new Promise<void>((resolve) => {
    const stop = async (signal: string) => {
      say(`${signal} received: finishing in-flight requests…`);
      await server.close();
      await workbench?.close();
      await service.engine.close();
      await auditFiles.flush();
      say('Stopped.');
      resolve();
    };
    process.once('SIGINT', () => void stop('SIGINT'));
    process.once('SIGTERM', () => void stop('SIGTERM'));
  });
}
