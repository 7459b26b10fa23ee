// Where the project lives. The CLI sets DLM_ROOT from its own location; the app and tests run from the root.
import path from 'node:path';

export function projectRoot(): string {
  return path.resolve(/*turbopackIgnore: true*/ process.env.DLM_ROOT ?? process.cwd());
}

/** Resolves a path given by the user (env var or flag) against the project root. */
export function resolveFromRoot(p: string): string {
  return path.isAbsolute(p) ? p : path.join(projectRoot(), p);
}
