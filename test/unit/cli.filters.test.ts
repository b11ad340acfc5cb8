/** The CLI's `--filter name=value` parsing: every name reaches validation as it was typed. */
import { parseFilters } from '../../src/cli/filters';

describe('parseFilters', () => {
  test('repeated names collect their values; single values stay scalars', () => {
    expect(parseFilters(['plan=biweekly', 'plan=every4weeks', 'gender=female'])).toEqual({ plan: ['biweekly', 'every4weeks'], gender: 'female' });
  });

  test('names that are Object.prototype members are ordinary filter names, not JavaScript errors', () => {
    const filters = parseFilters(['__proto__=x', 'constructor=y', 'toString=z', 'hasOwnProperty=1', 'hasOwnProperty=2']);
    expect(Object.keys(filters).sort()).toEqual(['__proto__', 'constructor', 'hasOwnProperty', 'toString']);
    expect(Object.getOwnPropertyDescriptor(filters, '__proto__')?.value).toBe('x');
    expect(Object.getOwnPropertyDescriptor(filters, 'hasOwnProperty')?.value).toEqual(['1', '2']);
    // They travel on the wire under their own names, so the API can refuse them as unknown.
    expect(JSON.parse(JSON.stringify(filters))).toEqual(JSON.parse('{"__proto__":"x","constructor":"y","toString":"z","hasOwnProperty":["1","2"]}'));
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  test('a pair without a name is refused', () => {
    expect(() => parseFilters(['=x'])).toThrow(/--filter takes name=value, not "=x"/);
    expect(() => parseFilters(['plan'])).toThrow(/--filter takes name=value/);
  });
});
