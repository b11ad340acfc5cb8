/**
 * Checks Athena request bodies against the service model (botocore's athena service-2.json):
 * operation names, required and unknown members, member types, string lengths, patterns and enums,
 * numeric ranges, list and map sizes. Patterns are matched against the whole string (stricter than
 * Smithy's unanchored match), with the `u` flag so surrogate-pair ranges mean code points.
 */
import { readFileSync } from 'node:fs';
import { sharedTestdata } from '../requirements';

interface ShapeBase {
  type: string;
  min?: number;
  max?: number;
  pattern?: string;
  enum?: string[];
}
interface StructureShape extends ShapeBase {
  type: 'structure';
  required?: string[];
  members: Record<string, { shape: string }>;
}
interface ListShape extends ShapeBase {
  type: 'list';
  member: { shape: string };
}
interface MapShape extends ShapeBase {
  type: 'map';
  key: { shape: string };
  value: { shape: string };
}
type Shape = StructureShape | ListShape | MapShape | ShapeBase;

export interface ServiceModel {
  metadata: { targetPrefix: string; jsonVersion: string };
  operations: Record<string, { input?: { shape: string }; http: { method: string; requestUri: string } }>;
  shapes: Record<string, Shape>;
}

/** The Athena API model from the shared test data; tests that use the double gate on it (describeIfAvailable). */
export const ATHENA_MODEL = sharedTestdata('athena-service-2.json');
export const ATHENA_MODEL_PATH = ATHENA_MODEL.path;

let cached: ServiceModel | undefined;
export function loadAthenaModel(): ServiceModel {
  cached ??= JSON.parse(readFileSync(ATHENA_MODEL_PATH, 'utf8')) as ServiceModel;
  return cached;
}

const patterns = new Map<string, RegExp>();
function patternOf(source: string): RegExp {
  let regex = patterns.get(source);
  if (!regex) {
    const body = source.replace(/^\^/, '').replace(/\$$/, '');
    try {
      regex = new RegExp(`^(?:${body})$`, 'u');
    } catch {
      regex = new RegExp(`^(?:${body})$`);
    }
    patterns.set(source, regex);
  }
  return regex;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'list';
  return typeof value;
}

function validateShape(model: ServiceModel, shapeName: string, value: unknown, where: string, errors: string[]): void {
  const shape = model.shapes[shapeName];
  if (!shape) {
    errors.push(`${where}: the model has no shape ${shapeName}`);
    return;
  }
  const range = (size: number, what: string) => {
    if (shape.min !== undefined && size < shape.min) errors.push(`${where}: ${what} ${size} is below the minimum ${shape.min}`);
    if (shape.max !== undefined && size > shape.max) errors.push(`${where}: ${what} ${size} is above the maximum ${shape.max}`);
  };
  switch (shape.type) {
    case 'structure': {
      const structure = shape as StructureShape;
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        errors.push(`${where}: expected a structure, got ${describe(value)}`);
        return;
      }
      const record = value as Record<string, unknown>;
      for (const required of structure.required ?? []) {
        if (record[required] === undefined || record[required] === null) errors.push(`${where}.${required}: required member is missing`);
      }
      for (const [key, member] of Object.entries(record)) {
        const definition = structure.members[key];
        if (!definition) {
          errors.push(`${where}.${key}: unknown member`);
          continue;
        }
        if (member === null) continue; // JSON null is "absent"
        validateShape(model, definition.shape, member, `${where}.${key}`, errors);
      }
      return;
    }
    case 'list': {
      if (!Array.isArray(value)) {
        errors.push(`${where}: expected a list, got ${describe(value)}`);
        return;
      }
      range(value.length, 'length');
      value.forEach((item, i) => validateShape(model, (shape as ListShape).member.shape, item, `${where}[${i}]`, errors));
      return;
    }
    case 'map': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        errors.push(`${where}: expected a map, got ${describe(value)}`);
        return;
      }
      const map = shape as MapShape;
      const entries = Object.entries(value as Record<string, unknown>);
      range(entries.length, 'size');
      for (const [key, item] of entries) {
        validateShape(model, map.key.shape, key, `${where}{key}`, errors);
        validateShape(model, map.value.shape, item, `${where}.${key}`, errors);
      }
      return;
    }
    case 'string': {
      if (typeof value !== 'string') {
        errors.push(`${where}: expected a string, got ${describe(value)}`);
        return;
      }
      range([...value].length, 'length');
      if (shape.pattern !== undefined && !patternOf(shape.pattern).test(value)) errors.push(`${where}: does not match the pattern ${shape.pattern}`);
      if (shape.enum && !shape.enum.includes(value)) errors.push(`${where}: must be one of ${shape.enum.join(', ')}`);
      return;
    }
    case 'integer':
    case 'long': {
      if (typeof value !== 'number' || !Number.isInteger(value)) {
        errors.push(`${where}: expected an integer, got ${describe(value)}`);
        return;
      }
      if (shape.min !== undefined && value < shape.min) errors.push(`${where}: ${value} is below the minimum ${shape.min}`);
      if (shape.max !== undefined && value > shape.max) errors.push(`${where}: ${value} is above the maximum ${shape.max}`);
      return;
    }
    case 'double':
    case 'float':
      if (typeof value !== 'number' || !Number.isFinite(value)) errors.push(`${where}: expected a number, got ${describe(value)}`);
      return;
    case 'boolean':
      if (typeof value !== 'boolean') errors.push(`${where}: expected a boolean, got ${describe(value)}`);
      return;
    case 'timestamp':
      if (typeof value !== 'number') errors.push(`${where}: expected epoch seconds, got ${describe(value)}`);
      return;
    case 'blob':
      if (typeof value !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(value)) errors.push(`${where}: expected base64`);
      return;
    default:
      errors.push(`${where}: unsupported shape type ${shape.type}`);
  }
}

/** The problems with one request body for `op`, empty when it is valid. */
export function validateAthenaRequest(op: string, body: unknown): string[] {
  const model = loadAthenaModel();
  const operation = model.operations[op];
  if (!operation) return [`unknown operation ${op}`];
  const errors: string[] = [];
  if (!operation.input) {
    if (typeof body !== 'object' || body === null || Array.isArray(body) || Object.keys(body).length) errors.push(`${op} takes no input`);
    return errors;
  }
  validateShape(model, operation.input.shape, body, op, errors);
  return errors;
}
