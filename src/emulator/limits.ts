/**
 * Every limit the emulator enforces, each with its source. "PLATFORM.md" is /work/shared/PLATFORM.md,
 * section "Apps Script"; where a number is not written there, the comment names where it comes from.
 */

/** PLATFORM.md, Custom functions: "30 s each; otherwise #ERROR! 'Exceeded maximum execution time'". */
export const EXECUTION_LIMIT_MS = 30_000;
/** PLATFORM.md, Triggers: "6 min per execution" — every execution that is not a custom function (menu, google.script.run, trigger). */
export const OTHER_EXECUTION_LIMIT_MS = 360_000;
/** PLATFORM.md, Custom functions: "At most 30 simultaneous executions per user". */
export const CUSTOM_FUNCTION_CONCURRENCY = 30;
/** PLATFORM.md, Sidebar: google.script.run "at most 10 at once (an 11th waits)". */
export const SCRIPT_RUN_CONCURRENCY = 10;

/** PLATFORM.md, UrlFetchApp: "URL ≤ 2 KB" (2 KB = 2048 characters). */
export const URLFETCH_MAX_URL_LENGTH = 2048;
/** PLATFORM.md, UrlFetchApp: "≤ 100 headers". */
export const URLFETCH_MAX_HEADERS = 100;
/** PLATFORM.md, UrlFetchApp: "8 KB of headers" (counted as UTF-8 bytes of `Name: value\r\n`). */
export const URLFETCH_MAX_HEADER_BYTES = 8 * 1024;
/** PLATFORM.md, UrlFetchApp: "50 MB per response". */
export const URLFETCH_MAX_RESPONSE_BYTES = 50 * 1024 * 1024;
/** PLATFORM.md, UrlFetchApp: "20,000 calls/day (consumer)". Configurable with `urlFetchDailyQuota`. */
export const URLFETCH_DAILY_QUOTA = 20_000;
/** PLATFORM.md, UrlFetchApp: "The timeout is unverified (about 60 s)". */
export const URLFETCH_TIMEOUT_MS = 60_000;
/** Not in PLATFORM.md: how many redirects the emulator follows before failing (Apps Script's number is unknown). */
export const URLFETCH_MAX_REDIRECTS = 10;

/** PLATFORM.md, CacheService: "keys ≤ 250 characters". */
export const CACHE_MAX_KEY_LENGTH = 250;
/** PLATFORM.md, CacheService: "values ≤ 100 KB" (counted as UTF-8 bytes, 100 × 1024). */
export const CACHE_MAX_VALUE_BYTES = 100 * 1024;
/** Cache.put reference: the default expiration is 10 minutes. */
export const CACHE_DEFAULT_TTL_SECONDS = 600;
/** PLATFORM.md, CacheService: "TTL ≤ 21600 s (6 h)". Longer TTLs are clamped (see services/cache.ts). */
export const CACHE_MAX_TTL_SECONDS = 21_600;
/** PLATFORM.md, CacheService: "about 1,000 items per cache". */
export const CACHE_MAX_ITEMS = 1000;
/** PLATFORM.md, CacheService: "older ones are evicted in batches"; measured batches are ~10 % (100 items). */
export const CACHE_EVICTION_BATCH = 100;

/** PLATFORM.md, PropertiesService: "9 KB per value" (UTF-8 bytes of key + value, 9 × 1024). */
export const PROPERTY_MAX_ENTRY_BYTES = 9 * 1024;
/** PLATFORM.md, PropertiesService: "500 KB per store" (sum of UTF-8 bytes of keys + values, 500 × 1024). */
export const PROPERTY_MAX_STORE_BYTES = 500 * 1024;

/** PLATFORM.md: "Utilities.sleep (at most 300000 ms)". */
export const SLEEP_MAX_MS = 300_000;

/** PLATFORM.md, Triggers: "20 per user per script". */
export const TRIGGERS_PER_USER_PER_SCRIPT = 20;
/** PLATFORM.md, Triggers: editor add-ons, "one trigger of each type per user per document". */
export const ADDON_TRIGGERS_PER_TYPE_PER_DOCUMENT = 1;
/** ClockTriggerBuilder.everyHours reference: n must be one of these. */
export const EVERY_HOURS_VALUES = [1, 2, 4, 6, 8, 12] as const;

/** Sheets API developer metadata: a value holds at most 30,000 characters (the brief's figure; PLATFORM.md names no number). */
export const METADATA_MAX_VALUE_LENGTH = 30_000;
