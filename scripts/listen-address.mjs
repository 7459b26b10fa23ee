// Where `npm start` listens: 127.0.0.1 unless -H/--hostname says otherwise, and never on another address
// without DLM_TOKEN (anyone who can reach the port could otherwise run models and start sweeps).
import { isIP } from 'node:net';

export const DEFAULT_HOSTNAME = '127.0.0.1';

/** The -H / --hostname value among `next start` arguments, or null when none is given. */
export function hostnameIn(args) {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '-H' || arg === '--hostname') return args[i + 1] ?? '';
    const inline = /^(?:-H|--hostname)=(.*)$/.exec(arg);
    if (inline) return inline[1];
  }
  return null;
}

export function isLoopback(hostname) {
  const host = hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  if (isIP(host) === 6) return host === '::1' || host === '0:0:0:0:0:0:0:1' || /^::ffff:127\./.test(host);
  return false;
}

/** The arguments to start with, or the one line that refuses to (exit 2). */
export function listenPlan(args, env) {
  const given = hostnameIn(args);
  if (given === null) return { args: [...args, '-H', DEFAULT_HOSTNAME], refusal: null };
  if (given === '') return { args, refusal: 'dlm: -H/--hostname needs an address (e.g. -H 127.0.0.1)' };
  if (!isLoopback(given) && !env.DLM_TOKEN) {
    return {
      args,
      refusal: `dlm: refusing to listen on ${given} without DLM_TOKEN: set DLM_TOKEN to a long random secret (requests that run or change anything then need "Authorization: Bearer <token>"), or listen on ${DEFAULT_HOSTNAME}`,
    };
  }
  return { args, refusal: null };
}
