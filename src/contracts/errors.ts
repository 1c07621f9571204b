const USER_ERROR = Symbol.for("codetether.UserError");

/** An error whose message is fit to show a user as is: one line, no stack. */
export class UserError extends Error {
  readonly [USER_ERROR] = true;

  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = "UserError";
  }

  // `run` executes from its own bundle (dist/run.cjs) with its own copy of this class: its errors are
  // UserErrors to the CLI's copy too.
  static [Symbol.hasInstance](value: unknown): boolean {
    if (this !== UserError) return Function.prototype[Symbol.hasInstance].call(this, value);
    return typeof value === "object" && value !== null && (value as { [USER_ERROR]?: boolean })[USER_ERROR] === true;
  }
}

/** The one-line text of any thrown value. */
export function errorMessage(error: unknown): string {
  if (error instanceof UserError) return error.message;
  if (error instanceof Error) return error.message.split("\n")[0] || error.name;
  return String(error);
}
