import { UserError } from "../../contracts/errors.ts";

/**
 * A log whose bytes are not what its records and index say (a line edited, inserted or cut by hand, a
 * disk fault): the data's problem, said in one line, not a crash of the reader.
 */
export class DamagedLogError extends UserError {
  constructor(what: string) {
    super(`damaged log: ${what} (codetether audit verify checks the audit trail record by record)`);
  }
}
