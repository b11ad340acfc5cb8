/** One structured line for the operator (CloudWatch on Lambda and Fargate): retries, aborts, refreshes. Never secrets. */
export type OperatorLog = (entry: Record<string, unknown>) => void;

export const stderrOperatorLog: OperatorLog = (entry) => process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), ...entry })}\n`);

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}
