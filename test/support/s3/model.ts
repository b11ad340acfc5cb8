/**
 * Checks S3 requests against the service model (botocore's s3 service-2.json, REST-XML): which
 * operation a request is (method + requestUri + the query flags and members that tell apart
 * operations sharing a path), that every header and query parameter it sends which the model
 * knows is a member of that operation in that location, with a value of the member's type,
 * that required members are there, and that an XML body has the input's root element and
 * members. The S3 double (test/support/s3Double.ts) refuses what this finds.
 */
import { readFileSync } from 'node:fs';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { sharedTestdata } from '../requirements';

interface Member {
  shape: string;
  location?: 'uri' | 'header' | 'headers' | 'querystring' | 'statusCode';
  locationName?: string;
  xmlNamespace?: { uri: string };
}
interface Shape {
  type: string;
  required?: string[];
  members?: Record<string, Member>;
  member?: Member;
  flattened?: boolean;
  payload?: string;
  enum?: string[];
  min?: number;
  max?: number;
}
interface Operation {
  name: string;
  http: { method: string; requestUri: string };
  input?: { shape: string };
  httpChecksum?: { requestChecksumRequired?: boolean; requestAlgorithmMember?: string };
}
interface S3ServiceModel {
  operations: Record<string, Operation>;
  shapes: Record<string, Shape>;
}

/** The S3 API model from the shared test data; tests that use the double gate on it (describeIfAvailable). */
export const S3_MODEL = sharedTestdata('s3-service-2.json');

let cached: { model: S3ServiceModel; headers: Set<string>; queries: Set<string> } | undefined;
function load() {
  if (!cached) {
    const model = JSON.parse(readFileSync(S3_MODEL.path, 'utf8')) as S3ServiceModel;
    // Every header and query parameter some operation's input knows: sending one of these to an operation that does not is a mistake.
    const headers = new Set<string>();
    const queries = new Set<string>();
    for (const operation of Object.values(model.operations)) {
      const input = operation.input && model.shapes[operation.input.shape];
      for (const member of Object.values(input?.members ?? {})) {
        if (member.location === 'header') headers.add(member.locationName!.toLowerCase());
        if (member.location === 'querystring') queries.add(member.locationName!);
      }
    }
    cached = { model, headers, queries };
  }
  return cached;
}

export interface S3RequestParts {
  method: string;
  /** Undefined for bucket-level requests (`/bucket`, `/bucket/`). */
  key?: string;
  /** Lower-cased names. */
  headers: Record<string, string>;
  /** Decoded, in order. */
  query: Array<[string, string]>;
  body: Buffer;
}

/** The literal query flags of a requestUri: `/{Bucket}?list-type=2` → [['list-type', '2']]. */
function literalFlags(requestUri: string): Array<[string, string | undefined]> {
  const query = requestUri.split('?')[1];
  if (!query) return [];
  return query.split('&').map((part) => {
    const [name, value] = part.split('=');
    return [name!, value];
  });
}

function inputOf(model: S3ServiceModel, operation: Operation): Shape {
  return (operation.input && model.shapes[operation.input.shape]) || { type: 'structure', members: {} };
}

function located(input: Shape, location: 'header' | 'querystring'): Map<string, [string, Member]> {
  const out = new Map<string, [string, Member]>();
  for (const [name, member] of Object.entries(input.members ?? {})) {
    if (member.location === location) out.set(location === 'header' ? member.locationName!.toLowerCase() : member.locationName!, [name, member]);
  }
  return out;
}

/**
 * The model's operation for a request: same method, same kind of path (bucket or object), every
 * literal flag of its requestUri present; then the one with most flags; then, among operations
 * sharing a path (PutObject, CopyObject, UploadPart…), the most specific whose required header
 * and query members are all sent. Undefined when no operation has that method and path.
 */
export function identifyOperation(request: S3RequestParts): string | undefined {
  const { model } = load();
  const names = new Set(request.query.map(([name]) => name));
  const candidates = Object.values(model.operations).filter((operation) => {
    const [path] = operation.http.requestUri.split('?');
    if (operation.http.method !== request.method) return false;
    if ((path === '/{Bucket}/{Key+}') !== (request.key !== undefined) || !path!.startsWith('/{Bucket}')) return false;
    return literalFlags(operation.http.requestUri).every(([name, value]) => request.query.some(([n, v]) => n === name && (value === undefined || v === value)));
  });
  if (candidates.length === 0) return undefined;
  const flags = (operation: Operation) => literalFlags(operation.http.requestUri).length;
  const most = Math.max(...candidates.map(flags));
  const scored = candidates
    .filter((operation) => flags(operation) === most)
    .map((operation) => {
      const input = inputOf(model, operation);
      const required = (input.required ?? [])
        .map((name) => input.members![name]!)
        .filter((member) => member.location === 'header' || member.location === 'querystring');
      const sent = required.filter((member) =>
        member.location === 'header' ? request.headers[member.locationName!.toLowerCase()] !== undefined : names.has(member.locationName!),
      );
      return { operation, required: required.length, sent: sent.length };
    });
  // Prefer an operation whose required members are all sent, the most specific first; else the one closest to it.
  scored.sort((a, b) => Number(b.sent === b.required) - Number(a.sent === a.required) || b.sent - a.sent || a.required - b.required);
  return scored[0]!.operation.name;
}

/** Headers of the transport and of SigV4 itself, which no operation lists. */
const TRANSPORT_HEADERS = new Set([
  'host',
  'authorization',
  'x-amz-date',
  'x-amz-content-sha256',
  'x-amz-security-token',
  'content-length',
  'content-type',
  'connection',
  'keep-alive',
  'accept',
  'accept-encoding',
  'accept-language',
  'user-agent',
  'sec-fetch-mode',
  'expect',
  'transfer-encoding',
]);

const HTTP_DATE = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/;
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** A scalar as text (header, query parameter or XML leaf) against its shape. */
function checkScalar(model: S3ServiceModel, shapeName: string, value: string, where: string, timestampFormat: 'http' | 'iso', errors: string[]): void {
  const shape = model.shapes[shapeName];
  if (!shape) return void errors.push(`${where}: the model has no shape ${shapeName}`);
  switch (shape.type) {
    case 'string':
      if (shape.enum && !shape.enum.includes(value)) errors.push(`${where}: "${value}" is not one of ${shape.enum.join(', ')}`);
      if (shape.min !== undefined && value.length < shape.min) errors.push(`${where}: shorter than ${shape.min}`);
      return;
    case 'integer':
    case 'long':
      if (!/^-?\d+$/.test(value)) errors.push(`${where}: "${value}" is not an integer`);
      return;
    case 'boolean':
      if (value !== 'true' && value !== 'false') errors.push(`${where}: "${value}" is not true or false`);
      return;
    case 'timestamp':
      if (!(timestampFormat === 'http' ? HTTP_DATE : ISO_TIME).test(value))
        errors.push(`${where}: "${value}" is not a ${timestampFormat === 'http' ? 'HTTP date' : 'ISO 8601 time'}`);
      return;
    case 'blob':
      return;
    default:
      errors.push(`${where}: a ${shape.type} cannot be sent as text`);
  }
}

const xmlParser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  parseTagValue: false,
  trimValues: false,
  processEntities: true,
  htmlEntities: true,
});

/** An XML element (as fast-xml-parser gives it) against a structure, list or scalar shape. */
function checkXml(model: S3ServiceModel, shapeName: string, node: unknown, where: string, errors: string[]): void {
  const shape = model.shapes[shapeName]!;
  if (shape.type !== 'structure') {
    if (typeof node !== 'string') return void errors.push(`${where}: expected text`);
    return checkScalar(model, shapeName, node, where, 'iso', errors);
  }
  const element = typeof node === 'object' && node !== null ? (node as Record<string, unknown>) : {};
  if (typeof node === 'string' && node.trim() !== '') errors.push(`${where}: expected elements, got text`);
  const byElement = new Map<string, [string, Member]>();
  for (const [name, member] of Object.entries(shape.members ?? {})) byElement.set(member.locationName ?? name, [name, member]);
  for (const [child, value] of Object.entries(element)) {
    if (child.startsWith('@_')) continue;
    if (child === '#text') {
      if (String(value).trim() !== '') errors.push(`${where}: unexpected text`);
      continue;
    }
    const found = byElement.get(child);
    if (!found) {
      errors.push(`${where}: unknown element <${child}>`);
      continue;
    }
    const memberShape = model.shapes[found[1].shape]!;
    const items = Array.isArray(value) ? value : [value];
    if (memberShape.type === 'list') {
      if (!memberShape.flattened) {
        const inner = memberShape.member!.locationName ?? 'member';
        for (const item of items) {
          const list = typeof item === 'object' && item !== null ? (item as Record<string, unknown>)[inner] : undefined;
          (Array.isArray(list) ? list : list === undefined ? [] : [list]).forEach((entry, i) =>
            checkXml(model, memberShape.member!.shape, entry, `${where}.${child}[${i}]`, errors),
          );
        }
      } else {
        items.forEach((item, i) => checkXml(model, memberShape.member!.shape, item, `${where}.${child}[${i}]`, errors));
      }
      if (memberShape.max !== undefined && items.length > memberShape.max) errors.push(`${where}.${child}: more than ${memberShape.max}`);
    } else {
      if (items.length > 1) errors.push(`${where}: <${child}> appears ${items.length} times`);
      checkXml(model, found[1].shape, items[0], `${where}.${child}`, errors);
    }
  }
  for (const required of shape.required ?? []) {
    const member = shape.members![required]!;
    if (element[member.locationName ?? required] === undefined) errors.push(`${where}.${required}: required member is missing`);
  }
}

/** The problems with a request for `op`; empty when the model has nothing against it. */
export function validateS3Request(op: string, request: S3RequestParts): string[] {
  const { model, headers: knownHeaders, queries: knownQueries } = load();
  const operation = model.operations[op];
  if (!operation) return [`unknown operation ${op}`];
  const input = inputOf(model, operation);
  const errors: string[] = [];
  const headerMembers = located(input, 'header');
  const queryMembers = located(input, 'querystring');
  const prefixMembers = Object.values(input.members ?? {}).filter((member) => member.location === 'headers');
  const flags = new Set(literalFlags(operation.http.requestUri).map(([name]) => name));
  const checksummed = operation.httpChecksum !== undefined;
  const checksumHeaders = new Set((model.shapes.ChecksumAlgorithm?.enum ?? []).map((algorithm) => `x-amz-checksum-${algorithm.toLowerCase()}`));

  for (const [name, value] of Object.entries(request.headers)) {
    const member = headerMembers.get(name);
    if (member) {
      checkScalar(model, member[1].shape, value, `${op} header ${name}`, 'http', errors);
      continue;
    }
    if (prefixMembers.some((prefix) => name.startsWith(prefix.locationName!.toLowerCase()))) continue;
    // httpChecksum operations take Content-MD5 and a checksum of the body even when their input does not list them (DeleteObjects).
    if (checksummed && (name === 'content-md5' || name === 'x-amz-sdk-checksum-algorithm' || checksumHeaders.has(name))) continue;
    if (TRANSPORT_HEADERS.has(name)) continue;
    if (queryMembers.has(name) || knownQueries.has(name)) errors.push(`${op}: ${name} is a query parameter, not a header`);
    else if (knownHeaders.has(name)) errors.push(`${op}: the header ${name} is not a member of ${op}`);
  }
  for (const [name, value] of request.query) {
    if (flags.has(name)) continue;
    const member = queryMembers.get(name);
    if (member) {
      checkScalar(model, member[1].shape, value, `${op} query ${name}`, 'iso', errors);
      continue;
    }
    if (headerMembers.has(name.toLowerCase()) || knownHeaders.has(name.toLowerCase())) errors.push(`${op}: ${name} is a header, not a query parameter`);
    else errors.push(`${op}: the query parameter ${name} is not a member of ${op}${knownQueries.has(name) ? '' : ' (nor of any operation)'}`);
  }
  for (const required of input.required ?? []) {
    const member = input.members![required]!;
    if (member.location === 'header' && request.headers[member.locationName!.toLowerCase()] === undefined)
      errors.push(`${op}: required header ${member.locationName} is missing`);
    if (member.location === 'querystring' && !request.query.some(([name]) => name === member.locationName))
      errors.push(`${op}: required query parameter ${member.locationName} is missing`);
  }
  if (checksummed && operation.httpChecksum!.requestChecksumRequired) {
    if (request.headers['content-md5'] === undefined && !Object.keys(request.headers).some((name) => checksumHeaders.has(name))) {
      errors.push(`${op}: requires Content-MD5 or an x-amz-checksum-* header`);
    }
  }
  checkPayload(model, op, input, request.body, errors);
  return errors;
}

function checkPayload(model: S3ServiceModel, op: string, input: Shape, body: Buffer, errors: string[]): void {
  const payload = input.payload ? input.members![input.payload]! : undefined;
  const payloadShape = payload && model.shapes[payload.shape];
  if (!payloadShape || payloadShape.type !== 'structure') {
    if (!payload && body.byteLength > 0) errors.push(`${op} takes no body`);
    return;
  }
  if (body.byteLength === 0) {
    if ((input.required ?? []).includes(input.payload!)) errors.push(`${op}: the XML body is missing`);
    return;
  }
  const xml = body.toString('utf8');
  if (XMLValidator.validate(xml) !== true) return void errors.push(`${op}: the body is not well-formed XML`);
  const document = xmlParser.parse(xml) as Record<string, unknown>;
  const roots = Object.keys(document).filter((name) => name !== '?xml');
  const rootName = payload.locationName ?? input.payload!;
  if (roots.length !== 1 || roots[0] !== rootName) return void errors.push(`${op}: the XML root must be <${rootName}>, not <${roots.join('>, <')}>`);
  const root = document[rootName];
  const namespace = typeof root === 'object' && root !== null ? (root as Record<string, unknown>)['@_xmlns'] : undefined;
  if (namespace !== undefined && payload.xmlNamespace && namespace !== payload.xmlNamespace.uri)
    errors.push(`${op}: the XML namespace must be ${payload.xmlNamespace.uri}`);
  checkXml(model, payload.shape, root, `${op}.${rootName}`, errors);
}
