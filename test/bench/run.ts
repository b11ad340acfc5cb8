/**
 * `npm run bench -- <name>`: benchmarks that are too slow or too noisy for `npm test`.
 * Each prints a report and writes it as JSON under .snaq/bench/.
 */
import { runAddonBench } from './addon.bench';
import { runApiBench } from './api.bench';
import { runExportBench } from './export.bench';
import { runForecastBench } from './forecast.bench';
import { runMemoryBench } from './memory.bench';
import { runOverloadBench } from './overload.bench';
import { runPrivacyBench } from './privacy.bench';
import { runS3Bench } from './s3.bench';

const BENCHES: Record<string, () => Promise<void>> = {
  api: runApiBench,
  addon: runAddonBench,
  forecast: runForecastBench,
  overload: runOverloadBench,
  memory: runMemoryBench,
  export: runExportBench,
  s3: runS3Bench,
  privacy: runPrivacyBench,
};

async function main(): Promise<void> {
  const names = process.argv.slice(2);
  const unknown = names.filter((name) => !BENCHES[name]);
  if (unknown.length) throw new Error(`Unknown benchmark ${unknown.join(', ')}. Known: ${Object.keys(BENCHES).join(', ')}.`);
  for (const name of names.length ? names : Object.keys(BENCHES)) await BENCHES[name]!();
}

main().catch((error) => {
  process.stderr.write(`bench: ${(error as Error).stack ?? error}\n`);
  process.exitCode = 1;
});
