/** Wires the embedded stack: the lake (a sample generated on first use only where allowed), DuckDB, and the service. */
import { loadCatalog } from '../catalog/catalog';
import { DuckDbEngine } from '../engine/duckdb';
import { MetricsService, type ServiceOptions } from '../api/service';
import { generateLake, formatGenerateSummary } from '../lake/generate';
import { chooseLakeDir, inspectLake, missingManifestError, type LakeError, type LakeState } from '../lake/manifest';

/**
 * What a local command does with the lake at `dir`. Only the unnamed default location gets a
 * sample, and only when nothing is there; anything else is used as it is or refused, never
 * replaced. (An older sample, `sample` on an unreadable manifest, is the one lake that could be
 * regenerated in place when the contract moves on: that rule belongs here.)
 */
export function lakePlan(dir: string, state: LakeState, named: boolean): 'use' | 'generate' | LakeError {
  switch (state.kind) {
    case 'lake':
      return 'use';
    case 'absent':
      return named ? missingManifestError(dir) : 'generate';
    case 'unreadable':
    case 'other':
      return state.error;
  }
}

/** Makes sure the lake is there to read; returns its folder, or throws a LakeError naming the file and the problem. */
export async function ensureLake(lakeFlag: string | undefined, say: (line: string) => void): Promise<string> {
  const { dir, named } = chooseLakeDir(lakeFlag);
  const plan = lakePlan(dir, inspectLake(dir), named);
  if (plan === 'use') return dir;
  if (plan !== 'generate') throw plan;
  say(`No sample lake at ${dir} yet; generating it (scale 1, seed 42)…`);
  const { manifest, elapsedMs } = await generateLake({ outDir: dir });
  say(formatGenerateSummary(manifest, elapsedMs));
  return dir;
}

/** `lake`: the --lake flag as given (undefined: $SNAQ_LAKE_DIR, else the default sample location). */
export async function openLocalService(
  options: { lake?: string; say?: (line: string) => void; service?: Partial<ServiceOptions> } = {},
): Promise<MetricsService> {
  const lakeDir = await ensureLake(options.lake, options.say ?? ((line) => process.stderr.write(`${line}\n`)));
  const engine = await DuckDbEngine.open({ lakeDir });
  return new MetricsService(loadCatalog(), engine, options.service);
}
