import type { Response } from "express";
import { STATUS_CODES } from "node:http";

/** Sends the AIP-193 error shape the A2A REST binding also uses: `{"error":{code,status,message}}`. */
export function sendHttpError(res: Response, code: number, message: string): void {
  res.status(code).json({ error: { code, status: statusName(code), message } });
}

/** The HTTP status a thrown error asks for (body-parser sets `status`), else 500. */
export function statusOfError(error: unknown): number {
  const status =
    (error as { status?: unknown; statusCode?: unknown } | undefined)?.status ??
    (error as { statusCode?: unknown } | undefined)?.statusCode;
  return typeof status === "number" && status >= 400 && status < 600 ? status : 500;
}

const GRPC_STYLE: Record<number, string> = {
  400: "INVALID_ARGUMENT",
  401: "UNAUTHENTICATED",
  403: "PERMISSION_DENIED",
  404: "NOT_FOUND",
  413: "INVALID_ARGUMENT",
  415: "INVALID_ARGUMENT",
  500: "INTERNAL",
};

function statusName(code: number): string {
  return GRPC_STYLE[code] ?? (STATUS_CODES[code] ?? "UNKNOWN").toUpperCase().replace(/\W+/g, "_");
}
