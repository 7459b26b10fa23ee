// What a result was measured on. Stored with every experiment so numbers can be compared and reproduced.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { projectRoot } from '../paths.ts';

export interface EnvironmentInfo {
  gitSha: string; // commit of the code that ran ("unknown" outside a git checkout)
  gitDirty: boolean; // uncommitted changes were present
  node: string; // Node.js version
  onnxruntime: string; // onnxruntime-node package version
  cpuModel: string;
  cpuCores: number; // logical cores
  gpuModel: string | null; // null when no GPU was used or found
  executionProvider: string; // cpu | cuda | webgpu
  threads: number | null; // ORT intra-op threads (null = ORT default)
  os: string; // type, release and architecture
  remoteHosts?: string[]; // hosts of the remote models the experiment called: their figures include the network
}

function git(args: string[]): string | undefined {
  try {
    return execFileSync('git', args, { cwd: projectRoot(), encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

export function onnxruntimeVersion(): string {
  // Read from the project's node_modules by path: module resolution differs inside the Next.js server bundle.
  try {
    const manifest = path.join(projectRoot(), 'node_modules', 'onnxruntime-node', 'package.json');
    return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
  } catch {
    return 'not installed';
  }
}

function nvidiaGpuModel(): string | null {
  try {
    const out = execFileSync('nvidia-smi', ['--query-gpu=name', '--format=csv,noheader'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 5000,
    });
    return out.trim().split('\n')[0] || null;
  } catch {
    return null;
  }
}

export function captureEnvironment(options: { executionProvider?: string; threads?: number | null; remoteHosts?: string[] } = {}): EnvironmentInfo {
  const executionProvider = options.executionProvider ?? 'cpu';
  const cpus = os.cpus();
  return {
    gitSha: process.env.DLM_GIT_SHA ?? git(['rev-parse', 'HEAD']) ?? 'unknown',
    // DLM_GIT_SHA/DLM_GIT_DIRTY: a copy of the tree without .git (the prepared GPU run) says what it was made from.
    gitDirty: process.env.DLM_GIT_DIRTY ? process.env.DLM_GIT_DIRTY === 'true' : (git(['status', '--porcelain', '--untracked-files=no']) ?? '') !== '',
    node: process.versions.node,
    onnxruntime: onnxruntimeVersion(),
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cpuCores: cpus.length,
    gpuModel: executionProvider === 'cpu' ? null : nvidiaGpuModel(),
    executionProvider,
    threads: options.threads ?? null,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    ...(options.remoteHosts?.length ? { remoteHosts: [...new Set(options.remoteHosts)].sort() } : {}),
  };
}

/** Where a figure was measured, "CPU" or "GPU (provider)": every printed, stored or charted number carries it. */
export function hardwareLabel(executionProvider: string): string {
  return executionProvider === 'cpu' ? 'CPU' : `GPU (${executionProvider})`;
}
