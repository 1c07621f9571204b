import { UserError } from "../contracts/errors.ts";

/** A boolean environment variable: true/false, 1/0, yes/no, on/off (any case); unset or empty is the default. */
export function envFlag(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (!raw) return fallback;
  if (["1", "true", "yes", "on"].includes(raw)) return true;
  if (["0", "false", "no", "off"].includes(raw)) return false;
  throw new UserError(`invalid ${name}='${env[name]}': use true or false`);
}

/** A positive number from a flag or environment value; `what` names it in the error. */
export function positiveNumber(
  raw: string | number | undefined,
  what: string,
  fallback: number,
  options: { integer?: boolean; allowZero?: boolean; min?: number } = {},
): number {
  if (raw === undefined || (typeof raw === "string" && raw.trim() === "")) return fallback;
  const value = Number(raw);
  const ok =
    Number.isFinite(value) &&
    (options.allowZero ? value >= 0 : value > 0) &&
    value >= (options.min ?? 0) &&
    (!options.integer || Number.isInteger(value));
  const least = options.min !== undefined ? ` ≥ ${options.min}` : options.allowZero ? " ≥ 0" : " > 0";
  if (!ok) throw new UserError(`invalid ${what} '${raw}': expected a ${options.integer ? "whole " : ""}number${least}`);
  return value;
}
