/** A refused cognition request: the HTTP status and a message fit to show the caller. */
export class CognitionError extends Error {
  constructor(
    readonly status: 400 | 404 | 409,
    message: string,
  ) {
    super(message);
    this.name = "CognitionError";
  }
}
