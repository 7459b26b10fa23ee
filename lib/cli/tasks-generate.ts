// `dlm tasks generate`: turns flags into a batch plan (validating everything before writing a byte)
// and streams the records as JSONL.
import { intFlag, intListFlag, parseArgs, UsageError, type ParsedArgs } from './args.ts';
import { generateBatch, type FamilyPlan } from '../tasks/batch.ts';
import { TASKS_USAGE } from './tasks-usage.ts';
import { lengthSampler } from '../tasks/length-mix.ts';
import { openLineSink } from './line-sink.ts';
import { FAMILIES, findFamily, TASK_NAMES } from '../tasks/registry.ts';
import { isSplit, MAX_SEED, type Split } from '../tasks/splits.ts';
import type { TaskFamily } from '../tasks/types.ts';

const MAX_N = 1_000_000_000;

function parseTasks(raw: string | undefined): { families: TaskFamily[]; all: boolean } {
  if (raw === undefined) throw new UsageError(`--task is required (one of ${TASK_NAMES.join(', ')}, a comma list, or all)`);
  if (raw === 'all') return { families: [...FAMILIES], all: true };
  const families = raw.split(',').map((name) => {
    const family = findFamily(name.trim());
    if (!family) throw new UsageError(`unknown task "${name}" (known: ${TASK_NAMES.join(', ')}, or all)`);
    return family;
  });
  return { families: [...new Set(families)], all: false };
}

function parseSplit(raw: string | undefined): Split {
  const split = raw ?? 'train';
  if (!isSplit(split)) throw new UsageError(`--split must be train or eval, got "${split}"`);
  return split;
}

/** One plan per family; with `all`, families that cannot honour the lengths are skipped with a note. */
function planFamilies(args: ParsedArgs, families: TaskFamily[], all: boolean, seed: number, split: Split): FamilyPlan[] {
  const length = intFlag(args, 'length', undefined, 1);
  const lengths = intListFlag(args, 'lengths');
  const maxLength = intFlag(args, 'max-length', undefined, 1);
  const given = [length, lengths, maxLength].filter((v) => v !== undefined).length;
  if (given !== 1) throw new UsageError('give exactly one of --length, --lengths or --max-length');
  const plans: FamilyPlan[] = [];
  for (const family of families) {
    const range = `${family.minLength}..${family.maxLength}`;
    if (maxLength !== undefined) {
      const sampler = lengthSampler(family, maxLength, seed, split);
      if (sampler) plans.push({ family, sampler });
      else if (all) console.error(`dlm tasks: skipping ${family.name}: its lengths are ${range}, above --max-length ${maxLength}`);
      else throw new UsageError(`--max-length ${maxLength} is below the shortest ${family.name} length (${range})`);
      continue;
    }
    const wanted = lengths ?? [length!];
    const fitting = wanted.filter((l) => l >= family.minLength && l <= family.maxLength);
    if (fitting.length < wanted.length) {
      const outside = wanted.filter((l) => !fitting.includes(l)).join(',');
      if (!all) throw new UsageError(`length ${outside} is out of range for ${family.name} (${range})`);
      console.error(`dlm tasks: skipping length ${outside} for ${family.name} (its range is ${range})`);
    }
    if (fitting.length > 0) plans.push({ family, lengths: fitting });
  }
  if (plans.length === 0) throw new UsageError('no task supports the requested lengths');
  return plans;
}

export async function generateCommand(argv: string[]): Promise<number> {
  const args = parseArgs(argv, { values: ['task', 'n', 'length', 'lengths', 'max-length', 'seed', 'split', 'out'], switches: ['help'] });
  if (args.switches.has('help')) {
    console.log(TASKS_USAGE);
    return 0;
  }
  if (args.positionals.length > 0) throw new UsageError(`unexpected argument "${args.positionals[0]}"`);
  const { families, all } = parseTasks(args.values.get('task'));
  const n = intFlag(args, 'n', undefined, 1, MAX_N);
  if (n === undefined) throw new UsageError('--n is required');
  const seed = intFlag(args, 'seed', 0, 0, MAX_SEED);
  const split = parseSplit(args.values.get('split'));
  const plans = planFamilies(args, families, all, seed, split);

  const sink = await openLineSink(args.values.get('out'));
  for (const record of generateBatch({ plans, n, seed, split })) {
    if (!sink.open) break; // stdout reader went away
    await sink.write(JSON.stringify(record));
  }
  await sink.close();
  return 0;
}
