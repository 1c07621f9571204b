import { InvalidArgumentError } from "commander";
import { PORT_EXPECTED, portNumber } from "./port-number.ts";

// Parsers of option values shared by the commands: a bad value is commander's one-line usage error.

export function parsePositive(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0)
    throw new InvalidArgumentError(`${flag} must be a positive integer, got '${value}'`);
  return n;
}

export function parsePort(value: string): number {
  const n = portNumber(value);
  if (n === undefined) throw new InvalidArgumentError(`${PORT_EXPECTED}, got '${value}'`);
  return n;
}

export function parseSeconds(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0.05 || n > 86_400)
    throw new InvalidArgumentError(`must be a number of seconds (0.05-86400), got '${value}'`);
  return n;
}

/** For a repeatable option: each occurrence adds its value. */
export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
