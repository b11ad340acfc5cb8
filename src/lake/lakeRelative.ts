/**
 * Where things live in a lake, relative to its root, with `/`: S3 keys are `<prefix><relative path>`.
 * Kept apart from lakeLayout.ts (which reads manifests with zod and names local paths) so the
 * Lambda can find the history without bundling either. `manifest` equals manifest.ts's MANIFEST_FILE.
 */
export const LAKE_RELATIVE = {
  manifest: 'manifest.json',
  snapshots: 'snapshots',
  history: 'history/runs.jsonl',
  cursors: 'cursors',
  quality: 'quality',
  staging: 'staging',
  lock: 'export.lock',
} as const;
