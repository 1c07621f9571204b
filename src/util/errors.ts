/** An error whose message is fit to show a user as is: one line, no stack. */
export class UserError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = "UserError";
  }
}

/** The one-line text of any thrown value. */
export function errorMessage(error: unknown): string {
  if (error instanceof UserError) return error.message;
  if (error instanceof Error) return error.message.split("\n")[0] || error.name;
  return String(error);
}
