// max_concurrency: at most that many requests to one remote model in flight from this process (the CLI, the
// app's playground and its background sweeps share it); the rest wait their turn in order, and a waiter whose
// signal fires leaves the line.
const slots = new Map<string, { active: number; waiting: (() => void)[] }>();

/** Resolves with a release function once a slot is free; rejects with `signal.reason` if it aborts first. */
export async function acquireSlot(key: string, limit: number, signal?: AbortSignal): Promise<() => void> {
  let entry = slots.get(key);
  if (!entry) {
    entry = { active: 0, waiting: [] };
    slots.set(key, entry);
  }
  const e = entry;
  signal?.throwIfAborted();
  if (e.active >= limit) {
    await new Promise<void>((resolve, reject) => {
      const take = () => {
        signal?.removeEventListener('abort', leave);
        resolve();
      };
      const leave = () => {
        e.waiting.splice(e.waiting.indexOf(take), 1);
        reject(signal!.reason);
      };
      e.waiting.push(take);
      signal?.addEventListener('abort', leave, { once: true });
    });
  } else e.active++;
  let released = false;
  return () => {
    if (released) return;
    released = true;
    const next = e.waiting.shift();
    if (next)
      next(); // the slot passes straight to the next waiter
    else e.active--;
  };
}
