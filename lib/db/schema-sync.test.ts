// One schema, two providers: the PostgreSQL schema is the one derived from prisma/schema.prisma, and each
// provider's newest migration was written from the current schema (so neither lags behind the other).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { projectRoot } from '../paths.ts';

const root = projectRoot();
const newestSnapshot = (dir: string) => {
  const newest = readdirSync(dir)
    .filter((d) => /^\d+_/.test(d))
    .sort()
    .at(-1)!;
  return readFileSync(path.join(dir, newest, 'schema.snapshot.prisma'), 'utf8');
};

test('prisma/postgresql/schema.prisma is derived from prisma/schema.prisma', () => {
  const check = spawnSync(process.execPath, [path.join(root, 'scripts', 'postgres-schema.mjs'), '--check'], { encoding: 'utf8' });
  assert.equal(check.status, 0, check.stderr);
  const derived = readFileSync(path.join(root, 'prisma', 'postgresql', 'schema.prisma'), 'utf8');
  assert.match(derived, /provider = "postgresql"/);
  assert.doesNotMatch(derived, /"sqlite"/);
});

test("both providers' newest migrations were written from the current schema", () => {
  assert.equal(
    newestSnapshot(path.join(root, 'prisma', 'migrations')),
    readFileSync(path.join(root, 'prisma', 'schema.prisma'), 'utf8'),
    'run npm run db:migration -- <name>',
  );
  assert.equal(
    newestSnapshot(path.join(root, 'prisma', 'postgresql', 'migrations')),
    readFileSync(path.join(root, 'prisma', 'postgresql', 'schema.prisma'), 'utf8'),
    'run npm run db:migration -- <name>',
  );
});
