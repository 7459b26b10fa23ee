// Small, strict flag parser shared by every `dlm` subcommand: unknown flags are errors, not silently ignored.
import { UserError } from '../user-error.ts';

export class UsageError extends UserError {}

export interface FlagSpec {
  /** Flags that take a value, e.g. `--task sort`. */
  values?: readonly string[];
  /** Flags that are plain switches, e.g. `--json`. */
  switches?: readonly string[];
}

export interface ParsedArgs {
  values: Map<string, string>; // flag name (without --) → value
  switches: Set<string>; // switches that were given
  positionals: string[]; // everything that is not a flag
}

export function parseArgs(argv: readonly string[], spec: FlagSpec): ParsedArgs {
  const valueFlags = new Set(spec.values ?? []);
  const switchFlags = new Set(spec.switches ?? []);
  const parsed: ParsedArgs = { values: new Map(), switches: new Set(), positionals: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) {
      parsed.positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
    if (switchFlags.has(name)) {
      if (eq >= 0) throw new UsageError(`--${name} takes no value`);
      parsed.switches.add(name);
    } else if (valueFlags.has(name)) {
      const value = eq >= 0 ? arg.slice(eq + 1) : argv[++i];
      if (value === undefined) throw new UsageError(`--${name} needs a value`);
      parsed.values.set(name, value);
    } else {
      throw new UsageError(`unknown option --${name}`);
    }
  }
  return parsed;
}

/** Reads an integer flag within [min, max]; returns `fallback` when absent. */
export function intFlag(args: ParsedArgs, name: string, fallback: number, min?: number, max?: number): number;
export function intFlag(args: ParsedArgs, name: string, fallback: undefined, min?: number, max?: number): number | undefined;
export function intFlag(args: ParsedArgs, name: string, fallback: number | undefined, min = -Infinity, max = Infinity) {
  const raw = args.values.get(name);
  if (raw === undefined) return fallback;
  if (!/^-?\d+$/.test(raw.trim())) throw new UsageError(`--${name} must be an integer, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max) throw new UsageError(`--${name} must be between ${min} and ${max}, got ${value}`);
  return value;
}

/** Reads a number flag within [min, max]; returns `fallback` when absent. */
export function numberFlag(args: ParsedArgs, name: string, fallback: number, min?: number, max?: number): number;
export function numberFlag(args: ParsedArgs, name: string, fallback: undefined, min?: number, max?: number): number | undefined;
export function numberFlag(args: ParsedArgs, name: string, fallback: number | undefined, min = -Infinity, max = Infinity) {
  const raw = args.values.get(name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value)) throw new UsageError(`--${name} must be a number, got "${raw}"`);
  if (value < min || value > max) throw new UsageError(`--${name} must be between ${min} and ${max}, got ${value}`);
  return value;
}

/** Parses a comma-separated list of positive integers such as `8,32,64`. */
export function intListFlag(args: ParsedArgs, name: string): number[] | undefined {
  const raw = args.values.get(name);
  if (raw === undefined) return undefined;
  const items = raw.split(',').map((s) => s.trim());
  if (items.some((s) => !/^\d+$/.test(s) || Number(s) < 1)) {
    throw new UsageError(`--${name} must be a comma-separated list of positive integers, got "${raw}"`);
  }
  return items.map(Number);
}
