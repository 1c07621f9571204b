/** A duration in config.toml: a positive whole number and a unit, s, m, h or d ("90s", "30m", "12h", "1d"). */
export const DURATION = /^([1-9]\d*)([smhd])$/;

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** The milliseconds of a duration that matched DURATION (the config schema checked it). */
export function durationMs(text: string): number {
  const match = DURATION.exec(text);
  if (!match) throw new Error(`not a duration: ${text}`);
  return Number(match[1]) * UNIT_MS[match[2]!]!;
}
