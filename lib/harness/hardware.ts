// Where a run was measured, as one label: the CPU model and thread count, or the GPU and its execution provider.
// Runs of one sweep may come from several machines (queued sweeps: each run carries its worker's environment);
// runs with equal labels are comparable, so latency series and speedups are formed within one label only.

/** The fields of an environment (lib/env/environment.ts) that say which hardware measured. */
export interface HardwareEnvironment {
  cpuModel: string;
  gpuModel: string | null;
  executionProvider: string;
  threads: number | null;
}

/** The report's longer form of the hardware label: which CPU and how many threads, or which GPU and provider. */
export function detailedHardwareLabel(env: HardwareEnvironment): string {
  if (env.executionProvider !== 'cpu') return env.gpuModel ? `GPU ${env.gpuModel} (${env.executionProvider})` : `GPU (${env.executionProvider})`;
  const threads = env.threads === null || env.threads === undefined ? 'default' : env.threads;
  return `CPU: ${env.cpuModel}, ${threads} thread${threads === 1 ? '' : 's'}`;
}

/** A stored environment (JSON of unknown age) when it names its hardware, else null. */
export function hardwareEnvironmentOf(value: unknown): HardwareEnvironment | null {
  if (typeof value !== 'object' || value === null) return null;
  const env = value as Partial<Record<keyof HardwareEnvironment, unknown>>;
  if (typeof env.cpuModel !== 'string' || typeof env.executionProvider !== 'string') return null;
  return {
    cpuModel: env.cpuModel,
    gpuModel: typeof env.gpuModel === 'string' ? env.gpuModel : null,
    executionProvider: env.executionProvider,
    threads: typeof env.threads === 'number' ? env.threads : null,
  };
}

/**
 * A run's hardware: its worker's environment (a queued sweep's run), else the experiment's (`fallback`), else
 * null when neither is known.
 */
export function runHardware(run: { workerEnv?: unknown }, fallback: HardwareEnvironment | null = null): string | null {
  const env = hardwareEnvironmentOf(run.workerEnv) ?? fallback;
  return env ? detailedHardwareLabel(env) : null;
}

/** Whether these (aggregates) were measured on more than one hardware: then every series and cell names its own. */
export const mixesHardware = (measured: readonly { hardware: string | null }[]) => new Set(measured.map((m) => m.hardware ?? '')).size > 1;
