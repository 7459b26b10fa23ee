// How many cells (runs) a stored sweep has in all, from the spec stored in its config: what the experiment
// page shows next to the runs stored so far ("5 of 12 runs stored"), without loading any model.
import { expandCells, parseSpec } from './spec.ts';

/** The sweep's cell count, or null when its stored spec no longer parses (e.g. a task that was removed). */
export function sweepCellTotal(config: unknown): number | null {
  try {
    return expandCells(parseSpec((config as { spec?: unknown } | null)?.spec)).length;
  } catch {
    return null;
  }
}
