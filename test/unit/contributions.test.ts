/** Attribution of an anomaly to dimension values, on synthetic per-category series. */
import { contributorsAt, expectationsOf, type ValueSeries } from '../../src/forecast/contributions';
import { detectAnomalies } from '../../src/forecast';
import { synthetic } from '../../src/forecast/synthetic';

const LENGTH = 120;
const SPIKE_AT = 100;

/** Three channels with their own level, season and noise; `spiked` gets +spike at SPIKE_AT. */
function channels(spiked: string, spike: number): ValueSeries[] {
  return ['ads', 'organic', 'referral'].map((value, i) => {
    const s = synthetic({ seed: 40 + i, length: LENGTH, period: 12, level: 300 + 200 * i, slope: 0.5, amplitude: 30, noiseSd: 6 });
    const series = s.values.map((v, t) => (value === spiked && t === SPIKE_AT ? v + spike : v));
    return { dimension: 'acquisition_channel', value, series };
  });
}

function total(values: readonly ValueSeries[]): number[] {
  return Array.from({ length: LENGTH }, (_, t) => values.reduce((sum, value) => sum + (value.series[t] ?? 0), 0));
}

test.each(['ads', 'organic', 'referral'])('a spike injected in %s is flagged on the total and attributed to it', (spiked) => {
  const values = channels(spiked, 120);
  const detection = detectAnomalies(total(values), { seasonality: 'auto', confidence: 0.99, seasonCandidates: [12] });
  const spike = detection.anomalies.find((anomaly) => anomaly.index === SPIKE_AT);
  expect(spike).toBeDefined();
  const delta = spike!.actual - spike!.expected;
  const contributors = contributorsAt(expectationsOf(values, { seasonLength: detection.model.seasonLength, confidence: 0.99 }), SPIKE_AT, {
    direction: 1,
    totalDelta: delta,
    perDimension: 3,
  });
  expect(contributors[0]!.value).toBe(spiked);
  expect(contributors[0]!.delta).toBeGreaterThan(90);
  expect(contributors[0]!.share!).toBeGreaterThan(0.6);
});

test('a drop is attributed to the value that fell; values that rose are not named', () => {
  const values = channels('organic', -150);
  const expectations = expectationsOf(values, { seasonLength: 12, confidence: 0.99 });
  const contributors = contributorsAt(expectations, SPIKE_AT, { direction: -1, perDimension: 3 });
  expect(contributors[0]!.value).toBe('organic');
  expect(contributors.every((c) => c.delta < 0)).toBe(true);
  expect(contributors[0]!.share).toBeUndefined(); // no totalDelta: a ratio metric has no shares
});

test('unknown values are skipped, and at most perDimension values per dimension are kept', () => {
  const values: ValueSeries[] = [
    ...channels('ads', 200),
    { dimension: 'acquisition_channel', value: 'hidden', series: Array.from({ length: LENGTH }, (_, t) => (t === SPIKE_AT ? null : 50)) },
  ];
  const contributors = contributorsAt(expectationsOf(values, { seasonLength: 12, confidence: 0.99 }), SPIKE_AT, { direction: 1, perDimension: 1 });
  expect(contributors).toHaveLength(1);
  expect(contributors[0]!.value).toBe('ads');
});

test('one-step expectations do not see the period they predict', () => {
  const values = channels('ads', 0);
  const before = expectationsOf(values, { seasonLength: 12, confidence: 0.99 })[0]!.expected[SPIKE_AT]!;
  const spiked = channels('ads', 500);
  const after = expectationsOf(spiked, { seasonLength: 12, confidence: 0.99 })[0]!.expected[SPIKE_AT]!;
  // The spike is removed before the refit, so the expectation for its own period barely moves.
  expect(Math.abs(after - before)).toBeLessThan(15);
});

test('a value hidden from users where the anomaly is is never named, though its history still shapes its model', () => {
  const values = channels('ads', 200).map((value) => (value.value === 'ads' ? { ...value, shown: value.series.map((_, t) => t !== SPIKE_AT) } : value));
  const named = contributorsAt(expectationsOf(values, { seasonLength: 12, confidence: 0.99 }), SPIKE_AT, { direction: 1, perDimension: 3 });
  expect(named.map((c) => c.value)).not.toContain('ads');
  // The same series shown there is named first: hiding, not the data, kept it out.
  const shown = contributorsAt(expectationsOf(channels('ads', 200), { seasonLength: 12, confidence: 0.99 }), SPIKE_AT, { direction: 1, perDimension: 3 });
  expect(shown[0]!.value).toBe('ads');
});
