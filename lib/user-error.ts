// The one base class for mistakes a user can fix (a bad flag, setting, spec field, config or model folder).
// The CLI exits 2 on any of them and the app answers 4xx; anything else is our bug or the machine's.
export class UserError extends Error {
  override name = 'UserError';
}

/** A user mistake in one named field of a request, spec or flag set (the app answers 400 naming it; the CLI exits 2). */
export class FieldError extends UserError {
  constructor(
    readonly field: string,
    readonly problem: string,
  ) {
    super(`${field}: ${problem}`);
  }
}

/** Something named by the user does not exist (an experiment id, a share slug): the app answers 404. */
export class NotFoundError extends UserError {}

/** The one message for an experiment id or slug that is not stored. */
export class ExperimentNotFoundError extends NotFoundError {
  constructor(idOrSlug: string, hint = ' (see "dlm list")') {
    super(`no experiment "${idOrSlug.slice(0, 64)}"${hint}`);
  }
}
