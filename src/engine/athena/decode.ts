/**
 * Turns Athena's all-strings result cells back into typed cells, by `ColumnInfo[].Type`.
 * Athena (Trino) prints: booleans `true`/`false`, doubles the Java way (`1.2345678E7`), decimals
 * with their scale, dates `YYYY-MM-DD`, timestamps `YYYY-MM-DD HH:MM:SS[.fff…]` (naive, read as UTC).
 * A missing `VarCharValue` is NULL.
 */
import { ApiError } from '../../contract/errors';
import type { Cell } from '../../contract/types';

export interface AthenaColumnInfo {
  Name: string;
  Label?: string;
  Type: string;
  Precision?: number;
  Scale?: number;
}

export type CellDecoder = (text: string) => Cell;

function baseType(type: string): string {
  // `timestamp(3)`, `varchar(10)`, `decimal(10,2)`: the parameters do not change the JS value.
  return type
    .toLowerCase()
    .replace(/\(.*\)$/, '')
    .trim();
}

function numberOf(text: string, column: string, type: string): number {
  const value = Number(text);
  if (text.trim() === '' || (Number.isNaN(value) && text !== 'NaN')) {
    throw new ApiError('INTERNAL', `Athena returned a malformed ${type} in column "${column}".`, { reason: 'malformed_result', column });
  }
  return value;
}

function timestampToIso(text: string, column: string): string {
  const match = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(?:\.(\d+))?(?: UTC|Z)?$/.exec(text);
  if (!match) throw new ApiError('INTERNAL', `Athena returned a malformed timestamp in column "${column}".`, { reason: 'malformed_result', column });
  const millis = (match[3] ?? '').padEnd(3, '0').slice(0, 3);
  // Same shape as the DuckDB engine: Date#toISOString, millisecond precision, UTC.
  return new Date(`${match[1]}T${match[2]}.${millis}Z`).toISOString();
}

/**
 * The decoder for one column. Choices:
 * - bigint is a JS number when it is a safe integer (|n| ≤ 2^53 − 1); beyond that the query fails
 *   with a clear INTERNAL error rather than returning a silently rounded number (as the DuckDB engine does);
 * - decimal becomes a JS number (the catalog's decimals are money and ratios, well inside double precision);
 * - types this engine never expects (arrays, maps, json, …) pass through as their string form.
 */
export function decoderFor(info: AthenaColumnInfo): CellDecoder {
  const type = baseType(info.Type);
  const column = info.Name;
  switch (type) {
    case 'varchar':
    case 'char':
    case 'string':
      return (text) => text;
    case 'boolean':
      return (text) => {
        if (text === 'true') return true;
        if (text === 'false') return false;
        throw new ApiError('INTERNAL', `Athena returned a malformed boolean in column "${column}".`, { reason: 'malformed_result', column });
      };
    case 'tinyint':
    case 'smallint':
    case 'integer':
    case 'int':
      return (text) => numberOf(text, column, type);
    case 'bigint':
      return (text) => {
        if (!/^-?\d+$/.test(text)) {
          throw new ApiError('INTERNAL', `Athena returned a malformed bigint in column "${column}".`, { reason: 'malformed_result', column });
        }
        const value = Number(text);
        if (!Number.isSafeInteger(value)) {
          throw new ApiError('INTERNAL', `A bigint in column "${column}" exceeds 2^53 and cannot be returned exactly.`, {
            reason: 'integer_overflow',
            column,
          });
        }
        return value;
      };
    case 'double':
    case 'real':
    case 'float':
    case 'decimal':
      return (text) => numberOf(text, column, type);
    case 'date':
      return (text) => {
        if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) {
          throw new ApiError('INTERNAL', `Athena returned a malformed date in column "${column}".`, { reason: 'malformed_result', column });
        }
        return text;
      };
    case 'timestamp':
    case 'timestamp with time zone':
      return (text) => timestampToIso(text, column);
    default:
      return (text) => text;
  }
}

export interface AthenaDatum {
  VarCharValue?: string;
}

export function decodeRow(data: readonly AthenaDatum[] | undefined, decoders: readonly CellDecoder[]): Cell[] {
  return decoders.map((decode, i) => {
    const text = data?.[i]?.VarCharValue;
    return text === undefined ? null : decode(text);
  });
}
