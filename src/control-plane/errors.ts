/** A refused control-plane request: the HTTP status and a message fit to show the caller. */
export class ControlPlaneError extends Error {
  constructor(
    readonly status: 400 | 403 | 404 | 409,
    message: string,
  ) {
    super(message);
    this.name = "ControlPlaneError";
  }
}
