/**
 * Apps Script's error messages. A service error reaches the script as an Error whose `name` is
 * 'Exception' and whose `message` has no prefix, so `String(e)` reads "Exception: …" like in Apps
 * Script; the emulator reports it as "Exception: …" (see `reportedError`).
 */
export class GasException extends Error {
  override name = 'Exception';
}

export const MSG = {
  timeout: 'Exceeded maximum execution time',
  permission: (what: string) => `You do not have permission to call ${what}`,
  uiFromThisContext: 'Cannot call SpreadsheetApp.getUi() from this context.',
  parameters: (types: string, method: string) => `The parameters (${types}) don't match the method signature for ${method}.`,
  functionNotFound: (name: string) => `Script function not found: ${name}`,
  unknownFunction: (name: string) => `Unknown function: '${name}'.`,

  urlTooLong: 'Limit Exceeded: URLFetch URL Length.',
  tooManyHeaders: 'Limit Exceeded: URLFetch header count.',
  headersTooLarge: 'Limit Exceeded: URLFetch header size.',
  responseTooLarge: 'Limit Exceeded: URLFetch response size.',
  urlFetchQuota: 'Service invoked too many times for one day: urlfetch.',
  invalidUrl: (url: string) => `Invalid argument: ${url}`,
  addressUnavailable: (url: string) => `Address unavailable: ${url}`,
  dnsError: (url: string) => `DNS error: ${url}`,
  urlFetchTimeout: (url: string) => `Timeout: ${url}`,
  tooManyRedirects: (url: string) => `Too many redirects: ${url}`,
  requestFailed: (origin: string, code: number, truncated: string) =>
    `Request failed for ${origin} returned code ${code}. Truncated server response: ${truncated} (use muteHttpExceptions option to examine full response)`,

  argumentTooLarge: (name: string) => `Argument too large: ${name}`,
  propertyQuota: 'You have exceeded the property storage quota. Please remove some properties and try again.',
  lockTimeout: 'Lock timeout: another process was holding the lock for too long.',

  sleepTooLong: 'Argument too large: milliseconds',
  illegalPattern: (c: string) => `Illegal pattern character '${c}'`,

  rowTooSmall: 'The starting row of the range is too small.',
  columnTooSmall: 'The starting column of the range is too small.',
  rowsAtLeastOne: 'The number of rows in the range must be at least 1.',
  columnsAtLeastOne: 'The number of columns in the range must be at least 1.',
  outsideSheet: 'The coordinates of the range are outside the dimensions of the sheet.',
  rangeNotFound: 'Range not found',
  rowsMismatch: (data: number, range: number) =>
    `The number of rows in the data does not match the number of rows in the range. The data has ${data} but the range has ${range}.`,
  columnsMismatch: (data: number, range: number) =>
    `The number of columns in the data does not match the number of columns in the range. The data has ${data} but the range has ${range}.`,
  dimensionOutOfBounds: (what: 'rows' | 'columns') => `Those ${what} are out of bounds.`,
  dimensionCount: (what: 'rows' | 'columns') => `The number of ${what} must be at least 1.`,
  deleteAllNonFrozen: (what: 'rows' | 'columns') => `Sorry, it is not possible to delete all non-frozen ${what}.`,
  invalidArgument: (name: string) => `Invalid argument: ${name}`,
  cellOutOfRange: 'Cell reference out of range',
  metadataArbitraryRange:
    'Adding developer metadata to arbitrary ranges is not currently supported. Developer metadata may only be added to the top-level spreadsheet, an individual sheet, or an entire row or column.',
  metadataKeyRequired: 'Developer metadata must always have a key specified.',
  metadataValueTooLong: (length: number) => `Developer metadata value is too long: ${length} characters (at most 30000).`,
  metadataNotFound: 'Requested entity was not found.',
  chartNotFound: 'The chart is not on this sheet.',
  chartNeedsRange: 'A chart needs at least one data range.',
  sheetExists: (name: string) => `A sheet with the name "${name}" already exists. Please enter another name.`,
  noHtmlFile: (name: string) => `No HTML file named ${name} was found.`,

  tooManyScriptTriggers: 'This script has too many triggers. Triggers must be deleted from the script before more can be added.',
  tooManyAddonTriggers: (kind: string) => `This add-on has created too many ${kind} triggers in this document for this Google user account.`,
  addonMinutes: "Add-ons can't create time-driven triggers that run more frequently than once per hour.",
  everyHoursValue: 'The value passed to everyHours() must be one of 1, 2, 4, 6, 8 or 12.',
  triggerNeedsFrequency: 'A time-based trigger needs a frequency: call everyHours(), everyDays(), everyWeeks(), at(), atDate() or after().',

  spill: (a1: string) => `Array result was not expanded because it would overwrite data in ${a1}.`,
  circular: 'Circular dependency detected. To resolve with iterative calculation, see File > Settings.',
  parseError: 'Formula parse error.',
  referenceDeleted: 'Reference does not exist.',
} as const;

/** How an error is reported to the test, the way Sheets and the Apps Script editor show it. */
export function reportedError(name: string | undefined, message: string): string {
  return name === 'Exception' ? `Exception: ${message}` : message;
}
