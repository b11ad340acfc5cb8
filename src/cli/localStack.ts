/** Wires the embedded stack: the lake (a sample generated on first use only where allowed), DuckDB, and the service. */
import { loadCatalog } from '../catalog/catalog';
import { DuckDbEngine } from '../engine/duckdb';
import { MetricsService, type ServiceOptions } from '../api/service';
import { generateLake, formatGenerateSummary } from '../lake/generate';
import {
  chooseLakeDir,
  inspectLake,
  isOldContractSample,
  missingManifestError,
  oldContractSampleError,
  type LakeError,
  type LakeState,
} from '../lake/manifest';

/**
 * What a local command does with the lake at `dir`. Only the unnamed default location gets a
 * sample: when nothing is there, or in place of a sample of an older lake contract (one that still
 * holds personal data). Anything else is used as it is or refused, never replaced; an exported lake
 * (no `generator`) is always used as it is.
 */
export function lakePlan(dir: string, state: LakeState, named: boolean): 'use' | 'generate' | 'regenerate' | LakeError {
  switch (state.kind) {
    case 'lake':
      if (!isOldContractSample(state.manifest)) return 'use';
      return named ? oldContractSampleError(dir) : 'regenerate';
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
  const state = inspectLake(dir);
  const plan = lakePlan(dir, state, named);
  if (plan === 'use') return dir;
  if (plan !== 'generate' && plan !== 'regenerate') throw plan;
  const old = plan === 'regenerate' && state.kind === 'lake' ? state.manifest.generator : undefined;
  const inputs = { scale: old?.scale ?? 1, seed: old?.seed ?? 42 };
  say(
    old
      ? `The sample lake at ${dir} was made for an older lake contract (it still holds personal data); regenerating it in place (scale ${inputs.scale}, seed ${inputs.seed})…`
      : `No sample lake at ${dir} yet; generating it (scale 1, seed 42)…`,
  );
  const { manifest, elapsedMs } = await generateLake({ outDir: dir, ...inputs, syntheticHistory: true });
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
