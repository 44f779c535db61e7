/** Gaps in one series: NaN runs (masked -9999 and QC-filtered records). */
export interface GapStatistics {
  readonly records: number;
  readonly valid: number;
  readonly missing: number;
  readonly missingFraction: number;
  /** Runs of consecutive missing records. */
  readonly gaps: number;
  /** Longest run, in records, and the time of its first record (null when there is no gap). */
  readonly longestGap: number;
  readonly longestGapStart: string | null;
}

export function gapStatistics(values: ArrayLike<number>, time: readonly string[]): GapStatistics {
  let missing = 0;
  let gaps = 0;
  let run = 0;
  let longest = 0;
  let longestAt = -1;
  for (let i = 0; i <= values.length; i++) {
    const isMissing = i < values.length && Number.isNaN(values[i] as number);
    if (isMissing) {
      missing++;
      run++;
      continue;
    }
    if (run > 0) {
      gaps++;
      if (run > longest) {
        longest = run;
        longestAt = i - run;
      }
    }
    run = 0;
  }
  return {
    records: values.length,
    valid: values.length - missing,
    missing,
    missingFraction: values.length === 0 ? 0 : missing / values.length,
    gaps,
    longestGap: longest,
    longestGapStart: longestAt < 0 ? null : (time[longestAt] ?? null),
  };
}
