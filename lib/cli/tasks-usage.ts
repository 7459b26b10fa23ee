// Help text for `dlm tasks`.
export const TASKS_USAGE = `Usage:
  dlm tasks list [--json]
      Families with their length range and a one-line description.
  dlm tasks generate --task NAME[,NAME...]|all --n N (--length L | --lengths L1,L2 | --max-length M)
                     [--seed S] [--split train|eval] [--out FILE]
      Write records as JSONL (stdout unless --out). With --length/--lengths, N records per task and
      length; with --max-length, N records per task with lengths drawn with P(L) ~ 1/L up to M.
      Seeds are 0..999999999 (default 0); eval uses generator streams disjoint from train.
      With "all", tasks whose length range does not fit are skipped (noted on stderr).
  dlm tasks check --file FILE.jsonl [--json] [--timeout-ms MS]
      Each line is a record plus a "completion" string. Prints {"task_id","passed","error"?} per
      line to stdout and a summary per task to stderr (as JSON lines with --json). Code completions
      run in a sandbox, MS per item (default 1000). Exits 0 even when completions fail.

See lib/tasks/README.md for the task formats.`;
