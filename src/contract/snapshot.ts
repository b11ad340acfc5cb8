/** What a lake snapshot says about itself: the manifest the exporter (or sample generator) writes. */
export interface TableSnapshot {
  /** When the table was exported (ISO UTC): it holds everything that happened before. */
  snapshotAt: string;
  rows: number;
  /** The table's folder, relative to the lake root. */
  path: string;
}

export interface LakeManifest {
  schemaVersion: 1;
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
}
