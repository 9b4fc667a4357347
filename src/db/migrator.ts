import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Kysely } from 'kysely';
import { FileMigrationProvider, type MigrationResultSet, Migrator } from 'kysely';

/** db/migrations, from src/db (tsx) and from dist/src/db (compiled) alike. */
export const migrationsFolder = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../db/migrations');

export function createMigrator(db: Kysely<any>): Migrator {
  return new Migrator({
    db,
    provider: new FileMigrationProvider({ fs, path, migrationFolder: migrationsFolder }),
  });
}

/** Migrates to latest; throws with the failing migration's name and cause. */
export async function migrateToLatest(db: Kysely<any>): Promise<MigrationResultSet> {
  const result = await createMigrator(db).migrateToLatest();
  if (result.error) {
    const failed = result.results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`migration ${failed} failed: ${String((result.error as Error)?.message ?? result.error)}`, {
      cause: result.error,
    });
  }
  return result;
}

let knownNames: Promise<string[]> | undefined;

/** True when every migration file has been applied (readiness check; the folder is read once). */
export async function migrationsCurrent(db: Kysely<any>): Promise<boolean> {
  knownNames ??= new FileMigrationProvider({ fs, path, migrationFolder: migrationsFolder }).getMigrations().then((m) => Object.keys(m));
  const names = await knownNames;
  const applied = await db
    .selectFrom('kysely_migration')
    .select('name')
    .execute()
    .catch(() => [] as { name: string }[]); // no table yet = nothing applied
  const done = new Set(applied.map((r) => r.name));
  return names.every((n) => done.has(n));
}
