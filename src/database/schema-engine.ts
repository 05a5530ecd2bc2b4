import { readFileSync, readdirSync, existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { bindMigrationAwareSqlAdapterFactory, type SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import type { MigrationList, SchemaEngine } from '@prisma/schema-engine-wasm';

/** Folder of the package root's `prisma/`, the same from `src/` (tests) and `dist/` (build). */
export const PRISMA_DIR = resolve(__dirname, '..', '..', 'prisma');
export const MIGRATIONS_DIR = join(PRISMA_DIR, 'migrations');
export const SCHEMA_PATH = join(PRISMA_DIR, 'schema.prisma');

const NO_FILTERS = { externalTables: [], externalEnums: [] };

// @types/node 20 leaves WebAssembly to the DOM library, so declare the one call used here.
declare const WebAssembly: {
  instantiate(bytes: Uint8Array, imports: object): Promise<{ instance: { exports: Record<string, unknown> } }>;
};

type EngineModule = typeof import('@prisma/schema-engine-wasm/schema_engine_bg');
let engineModule: Promise<EngineModule> | undefined;

/**
 * Loads Prisma's schema engine compiled to WebAssembly. The Prisma CLI would download a
 * native engine binary at run time, which fails on hosts without internet access; the wasm
 * build ships inside its npm package. Its entry file imports the .wasm as an ES module,
 * which Node 20 cannot do, so the glue module is loaded and instantiated here by hand.
 */
function loadEngineModule(): Promise<EngineModule> {
  engineModule ??= (async () => {
    const gluePath = require.resolve('@prisma/schema-engine-wasm/schema_engine_bg');
    const glue = require(gluePath) as EngineModule;
    const bytes = readFileSync(gluePath.replace(/\.js$/, '.wasm'));
    const { instance } = await WebAssembly.instantiate(bytes, { './schema_engine_bg.js': withUnrefTimers(glue) });
    glue.__wbg_set_wasm(instance.exports as never);
    (instance.exports.__wbindgen_start as (() => void) | undefined)?.();
    return glue;
  })();
  return engineModule;
}

/**
 * Wraps the glue's setTimeout imports so the engine's internal timers (a 10 s one outlives
 * every call) do not keep the process alive after migrations finish.
 */
function withUnrefTimers(glue: EngineModule): Record<string, unknown> {
  const imports: Record<string, unknown> = { ...glue };
  for (const [name, value] of Object.entries(glue)) {
    if (name.startsWith('__wbg_setTimeout_') && typeof value === 'function') {
      imports[name] = (...args: unknown[]) => {
        const timer = (value as (...a: unknown[]) => NodeJS.Timeout)(...args);
        timer.unref?.();
        return timer;
      };
    }
  }
  return imports;
}

export async function createSchemaEngine(
  adapterFactory: SqlMigrationAwareDriverAdapterFactory,
  onLog: (line: string) => void = () => undefined,
): Promise<SchemaEngine> {
  const glue = await loadEngineModule();
  const schema = readFileSync(SCHEMA_PATH, 'utf8');
  return glue.SchemaEngine.new({ datamodels: [['schema.prisma', schema]] }, onLog, bindMigrationAwareSqlAdapterFactory(adapterFactory));
}

/** Reads prisma/migrations in the layout that `prisma migrate` writes and reads. */
export function readMigrationList(baseDir = MIGRATIONS_DIR): MigrationList {
  const lockPath = join(baseDir, 'migration_lock.toml');
  const directories = existsSync(baseDir)
    ? readdirSync(baseDir)
        .filter((name) => statSync(join(baseDir, name)).isDirectory())
        .sort()
    : [];

  return {
    baseDir,
    lockfile: { path: 'migration_lock.toml', content: existsSync(lockPath) ? readFileSync(lockPath, 'utf8') : null },
    shadowDbInitScript: '',
    migrationDirectories: directories.map((path) => ({
      path,
      migrationFile: {
        path: 'migration.sql',
        content: { tag: 'ok', value: readFileSync(join(baseDir, path, 'migration.sql'), 'utf8') },
      },
    })),
  };
}

/** Applies pending migrations like `prisma migrate deploy`; returns the names applied. */
export async function applyMigrations(adapterFactory: SqlMigrationAwareDriverAdapterFactory): Promise<string[]> {
  const engine = await createSchemaEngine(adapterFactory);
  try {
    const output = await engine.applyMigrations({ migrationsList: readMigrationList(), filters: NO_FILTERS });
    return output.appliedMigrationNames;
  } finally {
    engine.free();
  }
}

/**
 * Returns the SQL that takes a database built from the committed migrations to the current
 * schema.prisma, or an empty string when they already match. This is what
 * `prisma migrate dev --create-only` writes, without needing a shadow database.
 */
export async function diffMigrationsToSchema(adapterFactory: SqlMigrationAwareDriverAdapterFactory): Promise<string> {
  const engine = await createSchemaEngine(adapterFactory);
  try {
    const migrations = readMigrationList();
    const result = await engine.diff({
      from: migrations.migrationDirectories.length > 0 ? { tag: 'migrations', ...migrations } : { tag: 'empty' },
      to: { tag: 'schemaDatamodel', files: [{ path: SCHEMA_PATH, content: readFileSync(SCHEMA_PATH, 'utf8') }] },
      script: true,
      exitCode: null,
      filters: NO_FILTERS,
    });
    return result.exitCode === 0 && result.stdout?.includes('This is an empty migration') ? '' : (result.stdout ?? '');
  } finally {
    engine.free();
  }
}
