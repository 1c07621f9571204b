// A port number from text, without commander: server processes read CODETETHER_GRPC_PORT after start-up, and
// importing option-parsers there would bundle a second copy of commander into serve's chunk.

/** The port `value` names (0–65535), else undefined. */
export function portNumber(value: string): number | undefined {
  const n = Number(value);
  return Number.isInteger(n) && n >= 0 && n <= 65535 ? n : undefined;
}

export const PORT_EXPECTED = "must be a port number (0-65535)";
