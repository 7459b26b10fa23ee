// The sandbox's OS layer, where the platform has it (Linux, with util-linux): the child starts in a new
// network namespace with no interfaces up (`unshare --net`), as an unprivileged user when we run as root
// (`--setuid/--setgid 65534`, nobody), under an address-space and a CPU-time cap (`prlimit`). Each part is
// probed once per process by starting a real child with it; what is missing is reported, and the language
// layer, the signed result channel and the parent's deadlines hold without it.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const OS_LAYERS = ['network namespace', 'unprivileged user', 'address-space cap'] as const;
export type OsLayer = (typeof OS_LAYERS)[number];

export interface OsLayerPlan {
  active: OsLayer[];
  missing: { layer: OsLayer; why: string }[];
  /** Builds the command that starts `node args` inside the active layers. */
  command(nodeArgs: string[], limits: { addressSpaceMb: number; cpuSeconds: number }): { file: string; args: string[] };
}

const NOBODY = 65534;

function findTool(name: string): string | null {
  for (const dir of ['/usr/bin', '/bin', '/usr/sbin', '/sbin']) if (existsSync(`${dir}/${name}`)) return `${dir}/${name}`;
  return null;
}

function build(prlimit: string | null, unshare: string | null, layers: Set<OsLayer>): OsLayerPlan['command'] {
  return (nodeArgs, limits) => {
    let args = [process.execPath, ...nodeArgs];
    if (unshare && (layers.has('network namespace') || layers.has('unprivileged user'))) {
      // Without root, a user namespace (mapped to our own uid) is what allows a network namespace.
      const flags = !layers.has('network namespace') ? [] : process.getuid?.() === 0 ? ['--net'] : ['--user', '--map-root-user', '--net'];
      if (layers.has('unprivileged user')) flags.push(`--setgid=${NOBODY}`, `--setuid=${NOBODY}`);
      args = [unshare, ...flags, '--', ...args];
    }
    // RLIMIT_CPU is a backstop for a child whose parent died: the parent's own deadlines come first.
    if (prlimit && layers.has('address-space cap')) {
      args = [prlimit, `--as=${limits.addressSpaceMb * 1024 * 1024}`, `--cpu=${limits.cpuSeconds}`, '--', ...args];
    }
    return { file: args[0]!, args: args.slice(1) };
  };
}

/** Tries `candidate` layers with a child that just prints its uid; keeps them if it starts. */
function starts(prlimit: string | null, unshare: string | null, layers: Set<OsLayer>): string | null {
  const { file, args } = build(prlimit, unshare, layers)(['-e', 'process.stdout.write(String(process.getuid()))'], { addressSpaceMb: 4096, cpuSeconds: 10 });
  const probe = spawnSync(file, args, { env: {} as NodeJS.ProcessEnv, encoding: 'utf8', timeout: 10_000 });
  if (probe.status === 0) return null;
  return (probe.stderr || probe.error?.message || `exit ${probe.status}`).trim().split('\n')[0]!.slice(0, 160);
}

let cached: OsLayerPlan | undefined;

export function osLayerPlan(): OsLayerPlan {
  if (cached) return cached;
  const missing: OsLayerPlan['missing'] = [];
  const layers = new Set<OsLayer>();
  if (process.platform !== 'linux') {
    for (const layer of OS_LAYERS) missing.push({ layer, why: `not available on ${process.platform}` });
    return (cached = { active: [], missing, command: build(null, null, layers) });
  }
  const unshare = findTool('unshare');
  const prlimit = findTool('prlimit');
  const root = process.getuid?.() === 0;
  const wanted: [OsLayer, string | null][] = [
    ['address-space cap', prlimit ? null : 'prlimit (util-linux) not found'],
    ['network namespace', unshare ? null : 'unshare (util-linux) not found'],
    ['unprivileged user', !unshare ? 'unshare (util-linux) not found' : root ? null : 'not running as root, so the child keeps our user'],
  ];
  for (const [layer, absent] of wanted) {
    if (absent) {
      missing.push({ layer, why: absent });
      continue;
    }
    layers.add(layer);
    const failure = starts(prlimit, unshare, layers);
    if (failure) {
      layers.delete(layer);
      missing.push({ layer, why: `a child could not start with it (${failure})` });
    }
  }
  return (cached = { active: OS_LAYERS.filter((l) => layers.has(l)), missing, command: build(prlimit, unshare, layers) });
}
