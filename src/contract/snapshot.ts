/** What a lake snapshot says about itself: the manifest the exporter (or sample generator) writes. */

/** How the export brings a table up to date (src/contract/exportStrategies.ts declares one per table). */
export type ExportStrategyKind = 'full' | 'append' | 'merge';

export interface TableSnapshot {
  /** When the table was exported (ISO UTC): it holds everything that happened before. */
  snapshotAt: string;
  rows: number;
  /** The table's folder, relative to the lake root (`snapshots/<snapshotId>/<table>` since schema version 2). */
  path: string;
  /** Export only: the strategy that wrote this snapshot of the table. */
  strategy?: ExportStrategyKind;
  /** Export only: rows read from the source, key scans not counted. */
  rowsRead?: number;
  /** Export only: primary keys read by the key-set comparison (an index-only scan). */
  keysRead?: number;
  /** Export only: rows inserted, updated or deleted since the previous snapshot. */
  rowsChanged?: number;
}

/** How an exported snapshot was made (absent in samples). */
export interface ExportRecord {
  /** The run that wrote it (also its history line and quality report's name). */
  runId: string;
  /** `user@host:port/db`, never the password. */
  source: string;
  /** True when the source is the sample source (its marker table), so the development key may be used. */
  sampleSource: boolean;
  /** Whether every table was read whole (`--full`, a first export, or a changed key). */
  full: boolean;
  previousSnapshotId: string | null;
  startedAt: string;
  finishedAt: string;
  /** Source columns the privacy policy does not list yet (`table.column`): left in the source, reported. */
  ignoredColumns?: string[];
}

export interface LakeManifest {
  /** 2: tables live under `snapshots/<snapshotId>/`, beside history, cursors and quality reports. 1: the first samples. */
  schemaVersion: 1 | 2;
  /** Changes whenever the data does; part of every result-cache key. */
  snapshotId: string;
  generator?: { seed: number; scale: number; asOf: string };
  /**
   * The pseudonym key's fingerprint (src/lake/pseudonym.ts), never the key: person ids of
   * snapshots with different fingerprints are different pseudonyms, so a changed key needs a
   * full export. Absent in lakes written before pseudonyms.
   */
  pseudonymKeyFingerprint?: string;
  generatedAt: string;
  tables: Record<string, TableSnapshot>;
  export?: ExportRecord;
  /** The gate's verdict on this snapshot and where its full report lies (relative to the lake root). */
  quality?: { passed: boolean; report: string };
}
