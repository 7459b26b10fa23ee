// Whether the installed onnxruntime-node can run an execution provider, asked before any model loads, so a
// missing provider is one line saying what is missing and the command that installs it, never a silent CPU run.
// onnxruntime-node lists its backends (bundled or not); CUDA's libraries come from its install script, which
// this repo's package.json denies (allowScripts), and WebGPU (Dawn) needs the Vulkan loader on Linux.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { type ExecutionProvider, SettingsError } from './types.ts';

/** What decides whether a provider can start here, gathered once (see providerFacts). */
export interface ProviderFacts {
  backends: readonly { name: string; bundled: boolean }[]; // ort.listSupportedBackends()
  platform: string; // "linux/x64"
  cudaFiles: readonly string[] | null; // the libraries the CUDA install step puts in onnxruntime-node's bin folder; null: no CUDA build for this platform
  cudaFilesMissing: readonly string[];
  vulkanLoader: boolean | null; // libvulkan.so.1 loads (Linux: Dawn's WebGPU runs on Vulkan); null where that is not how WebGPU runs
  installScript: string; // onnxruntime-node's install script, relative to the working directory
}

/** A provider this machine's onnxruntime-node cannot run; a UserError, so the CLI prints one line and exits 2. */
export class ExecutionProviderError extends SettingsError {}

/** Why `ep` cannot run here, with what to install (null when nothing is missing). Pure: tested on made-up facts. */
export function providerProblem(ep: ExecutionProvider, facts: ProviderFacts): string | null {
  if (ep === 'cpu') return null;
  const backend = facts.backends.find((b) => b.name === ep);
  if (!backend) {
    const has = facts.backends.map((b) => b.name).join(', ');
    return `execution provider "${ep}" is not in this onnxruntime-node build for ${facts.platform} (it has ${has})`;
  }
  if (ep === 'cuda') {
    if (facts.cudaFiles === null) return `execution provider "cuda": onnxruntime-node publishes no CUDA libraries for ${facts.platform}`;
    if (facts.cudaFilesMissing.length === 0) return null;
    return (
      `execution provider "cuda" is not installed (${facts.cudaFilesMissing.join(', ')} missing: npm install skips onnxruntime-node's CUDA step here); ` +
      `on a machine with CUDA 12, cuDNN 9 and network, run: ONNXRUNTIME_NODE_INSTALL=cuda12 node ${facts.installScript}`
    );
  }
  if (facts.vulkanLoader === false) {
    return `execution provider "webgpu" cannot start: the Vulkan loader (libvulkan.so.1) is missing: apt-get install -y libvulkan1, with your GPU's Vulkan driver (NVIDIA's driver has one; AMD, Intel: mesa-vulkan-drivers)`;
  }
  return null; // WebGPU ships inside the package; whether a GPU adapter answers shows when the session starts
}

/** Whether the dynamic loader finds `library` (dlopen through process.dlopen: a plain library loads, then "did not self-register"). */
function libraryLoads(library: string): boolean {
  try {
    process.dlopen({ exports: {} } as NodeJS.Module, library);
    return true;
  } catch (error) {
    return !/cannot open shared object file|image not found|no such file/i.test((error as Error).message);
  }
}

let facts: ProviderFacts | null = null;

/** The facts about this machine's onnxruntime-node install (read once per process). */
export function providerFacts(): ProviderFacts {
  if (facts) return facts;
  const require = createRequire(import.meta.url);
  const packageDir = path.join(path.dirname(require.resolve('onnxruntime-node')), '..');
  const platform = `${process.platform}/${process.arch}`;
  const binDir = path.join(packageDir, 'bin', 'napi-v6', process.platform, process.arch);
  // The install script's own manifest names the CUDA libraries it would fetch, per platform.
  let cudaFiles: string[] | null = null;
  try {
    const metadata = require(path.join(packageDir, 'script', 'install-metadata.js')) as { manifests: Record<string, Record<string, unknown>> };
    const manifest = Object.entries(metadata.manifests).find(([name]) => name.startsWith(`${platform}:cuda`))?.[1];
    cudaFiles = manifest ? Object.keys(manifest).map((f) => path.basename(f)) : null;
  } catch {
    cudaFiles = ['libonnxruntime_providers_cuda.so', 'libonnxruntime_providers_shared.so']; // an install without the script's metadata
  }
  facts = {
    backends: ort.listSupportedBackends(),
    platform,
    cudaFiles,
    // The CUDA provider and the shared provider bridge it loads through (the manifest's TensorRT library is not needed for CUDA).
    cudaFilesMissing: (cudaFiles ?? []).filter((f) => /providers_(cuda|shared)/.test(f) && !existsSync(path.join(binDir, f))),
    vulkanLoader: process.platform === 'linux' ? libraryLoads('libvulkan.so.1') : null,
    installScript: path.relative(process.cwd(), path.join(packageDir, 'script', 'install.js')),
  };
  return facts;
}

/** Throws ExecutionProviderError when `ep` cannot run here: called before a model loads (CLI flags, specs, sessions). */
export function assertExecutionProvider(ep: ExecutionProvider): void {
  if (ep === 'cpu') return;
  const problem = providerProblem(ep, providerFacts());
  if (problem) throw new ExecutionProviderError(problem);
}
