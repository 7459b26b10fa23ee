// Prisma CLI configuration: the CLI talks to SQLite through the same JavaScript driver adapter as the app,
// so `migrate diff` works offline without Prisma's native schema engine.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { defineConfig } from 'prisma/config';
import { PrismaBetterSQLite3 } from '@prisma/adapter-better-sqlite3';

export default defineConfig({
  schema: path.join('prisma', 'schema.prisma'),
  migrations: { path: path.join('prisma', 'migrations') },
  engine: 'js',
  experimental: { adapter: true },
  async adapter() {
    const url = process.env.DATABASE_URL ?? 'file:./data/playground.db';
    mkdirSync(path.dirname(url.replace(/^file:/, '')), { recursive: true });
    return new PrismaBetterSQLite3({ url });
  },
} as Parameters<typeof defineConfig>[0]);
