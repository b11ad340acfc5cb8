/** Wraps a real engine and counts what reaches it, so tests can assert that bad input ran nothing. */
import type { EngineResult, EngineStatement, ExecuteOptions, QueryEngine } from '../../src/engine/types';

export class CountingEngine implements QueryEngine {
  readonly name;
  readonly dialect;
  executions = 0;
  historyReads = 0;
  readonly statements: EngineStatement[] = [];

  constructor(private readonly inner: QueryEngine) {
    this.name = inner.name;
    this.dialect = inner.dialect;
  }

  execute(statement: EngineStatement, options: ExecuteOptions): Promise<EngineResult> {
    this.executions++;
    this.statements.push(statement);
    return this.inner.execute(statement, options);
  }

  snapshot() {
    return this.inner.snapshot();
  }

  health() {
    return this.inner.health();
  }

  history() {
    this.historyReads++;
    return this.inner.history ? this.inner.history() : Promise.resolve({ entries: [], version: 'none' });
  }

  close() {
    return this.inner.close();
  }
}
