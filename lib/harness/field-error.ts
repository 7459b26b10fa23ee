// FieldError is declared with the other user-error classes, low enough that lib/engines can throw it.
export { FieldError } from '../user-error.ts';
