#!/usr/bin/env node
// Entry for `npx dlm`: registers tsx so the CLI runs straight from the TypeScript sources.
import { register } from 'tsx/esm/api';

register();
// Resolve paths (models/, data/, migrations) from the project, not from wherever dlm was called.
process.env.DLM_ROOT ??= new URL('..', import.meta.url).pathname;
const { main } = await import('../lib/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
