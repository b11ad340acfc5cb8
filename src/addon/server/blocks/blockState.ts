/**
 * What happened to each block: its status, last good refresh and a short history, in document
 * properties (one property per block, kept well under the 9 KB value limit).
 */
import type { PropertiesLike } from '../platform';
import { isObject, readStored } from '../storedJson';

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
  /** The stored state could not be read; the next refresh replaces it (and says so in the history). */
  damaged?: true;
}

const PREFIX = 'SNAQ_BLOCK_';
const HISTORY_LENGTH = 10;
const REASON_CHARS = 300;

const isBlockState = (value: unknown): value is BlockState => isObject(value) && typeof value.status === 'string' && Array.isArray(value.history);

export function readBlockState(properties: PropertiesLike, id: string): BlockState {
  const stored = readStored(properties, PREFIX + id, isBlockState);
  if (stored.kind === 'ok') return stored.value;
  return stored.kind === 'absent' ? { status: 'fresh', history: [] } : { status: 'error', history: [], damaged: true };
}

/** Whether the block was written at or after `sinceMs` (e.g. by hand while a scheduled run was going). */
export function refreshedSince(state: BlockState, sinceMs: number): boolean {
  return state.lastRefreshAt !== undefined && Date.parse(state.lastRefreshAt) >= sinceMs;
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

/**
 * The state a refresh builds on: a damaged one is replaced by a history that starts with `note`
 * (why it was replaced), so the reset is never silent.
 */
export function usableState(previous: BlockState, at: string, by: BlockRun['by'], note: string): BlockState {
  return previous.damaged ? { status: 'error', history: [{ at, ok: false, reason: note, by }] } : previous;
}

/** Records a run: a success makes the block fresh; a failure keeps its values and marks it. */
export function recordRun(previous: BlockState, run: BlockRun, outcome: { dataAsOf?: string; status?: BlockStatus }): BlockState {
  const history = [...previous.history, run];
  if (run.ok) return { status: 'fresh', lastRefreshAt: run.at, dataAsOf: outcome.dataAsOf ?? previous.dataAsOf, history };
  const status = outcome.status ?? (previous.lastRefreshAt ? 'stale' : 'error');
  return { ...previous, status, reason: run.reason, history };
}
