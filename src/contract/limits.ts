/** Request limits shared by the service and its clients, so the add-on can check before it spends a call. */
export const LIMITS = {
  maxRangeYears: 10,
  maxDimensions: 3,
  maxFilters: 8,
  maxFilterValues: 100,
  maxFilterValueLength: 200,
  maxMetricNameLength: 100,
  /** The most rows one query may return; more is RESULT_TOO_LARGE (the add-on must fit a sheet). */
  maxRows: 50_000,
  maxBodyBytes: 1_048_576,
  /** Periods a forecast may look ahead: two years of weeks. */
  maxForecastHorizon: 104,
} as const;
