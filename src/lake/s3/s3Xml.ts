/**
 * S3's REST-XML, read with fast-xml-parser (values stay strings, entities and character
 * references decoded, whitespace kept: a key may begin or end with a space) and written by hand
 * with every character escaped.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';

export const S3_XMLNS = 'http://s3.amazonaws.com/doc/2006-03-01/';

const parser = new XMLParser({
  ignoreAttributes: true,
  ignoreDeclaration: true,
  parseTagValue: false,
  trimValues: false,
  processEntities: true,
  htmlEntities: true,
});

export type XmlNode = Record<string, unknown>;

/** The document as nested records; throws on text that is not well-formed XML. */
export function parseXml(xml: string): XmlNode {
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw new Error(`not well-formed XML (line ${valid.err.line}: ${valid.err.msg})`);
  return parser.parse(xml) as XmlNode;
}

/** An element that has children (fast-xml-parser gives '' for an empty one). */
export function asRecord(value: unknown): XmlNode | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as XmlNode) : undefined;
}

/** A repeated (flattened) element as a list, whether it occurred never, once or more. */
export function asList(value: unknown): unknown[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** A leaf element's text; undefined when absent or not a leaf. */
export function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return text(value[0]);
  return undefined;
}

// XML 1.0 cannot carry these at all, not even as character references.
// eslint-disable-next-line no-control-regex
const NOT_IN_XML = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/;

/** Escapes text for an element; CR, LF and TAB as character references so parsers keep them. */
export function xmlEscape(value: string): string {
  if (NOT_IN_XML.test(value)) throw new Error('a control character that XML 1.0 cannot carry');
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/\r/g, '&#13;')
    .replace(/\n/g, '&#10;')
    .replace(/\t/g, '&#9;');
}

/** `encoding-type=url` answers: S3 percent-encodes keys and prefixes, with `+` for a space. */
export function urlDecoded(value: string): string {
  return decodeURIComponent(value.replace(/\+/g, ' '));
}
