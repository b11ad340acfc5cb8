/** Wires the embedded stack: the sample lake (generated on first use), DuckDB, and the service. */
import { loadCatalog } from '../catalog/catalog';
import { DuckDbEngine } from '../engine/duckdb';
import { MetricsService, type ServiceOptions } from '../api/service';
import { generateLake, formatGenerateSummary } from '../lake/generate';
import { defaultLakeDir, lakeExists } from '../lake/manifest';

export async function ensureLake(lakeDir: string, say: (line: string) => void): Promise<void> {
  if (lakeExists(lakeDir)) return;
  say(`No sample lake at ${lakeDir} yet; generating it (scale 1, seed 42)…`);
  const { manifest, elapsedMs } = await generateLake({ outDir: lakeDir });
  say(formatGenerateSummary(manifest, elapsedMs));
}

export async function openLocalService(
  options: { lakeDir?: string; say?: (line: string) => void; service?: Partial<ServiceOptions> } = {},
): Promise<MetricsService> {
  const lakeDir = options.lakeDir ?? defaultLakeDir();
  await ensureLake(lakeDir, options.say ?? ((line) => process.stderr.write(`${line}\n`)));
  const engine = await DuckDbEngine.open({ lakeDir });
  return new MetricsService(loadCatalog(), engine, options.service);
}
