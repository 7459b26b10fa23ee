// max_concurrency: at most that many requests to one remote model in flight from this process (the CLI, the
// app's playground and its background sweeps share it); the rest wait their turn in order.
const slots = new Map<string, { active: number; waiting: (() => void)[] }>();

export async function acquireSlot(key: string, limit: number): Promise<() => void> {
  let entry = slots.get(key);
  if (!entry) {
    entry = { active: 0, waiting: [] };
    slots.set(key, entry);
  }
  const e = entry;
  if (e.active >= limit) await new Promise<void>((resolve) => e.waiting.push(resolve));
  else e.active++;
  let released = false;
  return () => {
    if (released) return;
    released = true;
    const next = e.waiting.shift();
    if (next) next(); // the slot passes straight to the next waiter
    else e.active--;
  };
}
