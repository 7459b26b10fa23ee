// Character sets the generators draw from (all inside the token alphabet, see alphabet.ts).
export const DIGITS = '0123456789';
export const LOWERCASE = 'abcdefghijklmnopqrstuvwxyz';
export const LETTERS_AND_DIGITS = LOWERCASE + DIGITS;
