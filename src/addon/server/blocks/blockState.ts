/**
 * What happened to each block: its status, last good refresh and a short history, in document
 * properties (one property per block, kept well under the 9 KB value limit).
 */
import type { PropertiesLike } from '../platform';

export type BlockStatus = 'fresh' | 'stale' | 'error' | 'running';

export interface BlockRun {
  at: string;
  ok: boolean;
  rows?: number;
  reason?: string;
  /** 'manual' (sidebar), 'schedule' (the trigger). */
  by: 'manual' | 'schedule';
}

export interface BlockState {
  status: BlockStatus;
  /** The last refresh that wrote values. */
  lastRefreshAt?: string;
  dataAsOf?: string;
  reason?: string;
  history: BlockRun[];
}

const PREFIX = 'SNAQ_BLOCK_';
const HISTORY_LENGTH = 10;
const REASON_CHARS = 300;

export function readBlockState(properties: PropertiesLike, id: string): BlockState {
  try {
    const parsed = JSON.parse(properties.getProperty(PREFIX + id) ?? '') as BlockState;
    if (parsed && Array.isArray(parsed.history)) return parsed;
  } catch {
    // no state yet
  }
  return { status: 'fresh', history: [] };
}

export function writeBlockState(properties: PropertiesLike, id: string, state: BlockState): void {
  const trimmed: BlockState = {
    ...state,
    ...(state.reason ? { reason: state.reason.slice(0, REASON_CHARS) } : {}),
    history: state.history.slice(-HISTORY_LENGTH).map((run) => (run.reason ? { ...run, reason: run.reason.slice(0, REASON_CHARS) } : run)),
  };
  properties.setProperty(PREFIX + id, JSON.stringify(trimmed));
}

export function deleteBlockState(properties: PropertiesLike, id: string): void {
  properties.deleteProperty(PREFIX + id);
}

/** Records a run: a success makes the block fresh; a failure keeps its values and marks it. */
export function recordRun(previous: BlockState, run: BlockRun, outcome: { dataAsOf?: string; status?: BlockStatus }): BlockState {
  const history = [...previous.history, run];
  if (run.ok) return { status: 'fresh', lastRefreshAt: run.at, dataAsOf: outcome.dataAsOf ?? previous.dataAsOf, history };
  const status = outcome.status ?? (previous.lastRefreshAt ? 'stale' : 'error');
  return { ...previous, status, reason: run.reason, history };
}
