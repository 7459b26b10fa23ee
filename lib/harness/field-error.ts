// A user mistake in one named field of a request or spec (the app answers 400 naming it; the CLI exits 2).
import { UserError } from '../user-error.ts';

export class FieldError extends UserError {
  constructor(
    readonly field: string,
    readonly problem: string,
  ) {
    super(`${field}: ${problem}`);
  }
}
