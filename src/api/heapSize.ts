/**
 * Estimates the V8 heap a JSON-like value holds, so the result cache's byte budget is real memory
 * (JSON length × 2 undercounted it about 2.5×: every row is an array object, every date a string
 * object, every fraction a boxed number). The layout is V8's on 64-bit Node, which ships without
 * pointer compression: 8-byte slots, 16-byte string and number headers, integers in 32 bits inline.
 */
const SLOT = 8;
/** JSArray: map, properties, elements, length. */
const ARRAY_OBJECT = 4 * SLOT;
/** FixedArray (the elements store): map, length. */
const ELEMENTS_HEADER = 2 * SLOT;
/** A plain object: map, properties, elements, then its fields in-object. */
const OBJECT_HEADER = 3 * SLOT;
/** SeqString: map, hash, length. */
const STRING_HEADER = 16;
/** HeapNumber: map and the double, padded. */
const BOXED_NUMBER = 16;

const aligned = (bytes: number) => Math.ceil(bytes / SLOT) * SLOT;

function stringBytes(text: string): number {
  // V8 keeps Latin-1 text one byte per character and anything else (Japanese) two.
  let wide = false;
  for (let i = 0; i < text.length && !wide; i++) wide = text.charCodeAt(i) > 0xff;
  return aligned(STRING_HEADER + text.length * (wide ? 2 : 1));
}

export function estimateHeapBytes(value: unknown): number {
  switch (typeof value) {
    case 'string':
      return stringBytes(value);
    case 'number':
      return Number.isInteger(value) && value >= -(2 ** 31) && value < 2 ** 31 ? 0 : BOXED_NUMBER;
    case 'object': {
      if (value === null) return 0;
      if (Array.isArray(value)) {
        let bytes = ARRAY_OBJECT + ELEMENTS_HEADER + value.length * SLOT;
        for (const item of value) bytes += estimateHeapBytes(item);
        return bytes;
      }
      let bytes = OBJECT_HEADER;
      // Property names are internalized and shared between objects of one shape, so only slots count.
      for (const item of Object.values(value)) bytes += SLOT + estimateHeapBytes(item);
      return bytes;
    }
    default:
      return 0; // booleans, null and undefined are shared constants
  }
}
