/** The LakeError `run` throws (anything else is rethrown; no error fails the test). */
import { LakeError } from '../../src/lake/manifest';

export function caughtLakeError(run: () => unknown): LakeError {
  try {
    run();
  } catch (error) {
    if (error instanceof LakeError) return error;
    throw error;
  }
  throw new Error('expected a LakeError');
}
