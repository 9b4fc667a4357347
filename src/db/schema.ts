import type { ColumnType, Generated, Selectable } from 'kysely';

/** Table types as PostgreSQL stores them (snake_case); mappers turn rows into wire objects. */
export interface Database {
  api_keys: ApiKeysTable;
}

type CreatedAt = ColumnType<Date, Date | undefined, never>;

export interface ApiKeysTable {
  id: Generated<string>;
  name: string;
  role: 'viewer' | 'responder' | 'admin';
  key_hash: string;
  key_prefix: string;
  created_at: CreatedAt;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

export type ApiKeyRow = Selectable<ApiKeysTable>;
