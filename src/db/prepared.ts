/**
 * Named (prepared) statements for the hot paths' fixed texts. PostgreSQL plans an unnamed
 * statement every time it runs; the repeat statement's planning alone was a quarter of
 * PostgreSQL's CPU in a storm of repeats (perf, docs/benchmarks.md). A named statement is parsed
 * once per connection, and after five runs PostgreSQL keeps a generic plan when it costs no more
 * than the custom ones: for statements whose rows travel as JSON documents it never does (the
 * planner guesses `json_to_recordset` at 100 rows whatever the document holds), so their plans
 * are made once.
 *
 * Kysely cannot name a statement, so the pool Kysely gets is an adapter (Kysely's documented
 * `PostgresPool` shape) whose clients send a text registered here as a named statement.
 */
import type { Kysely, PostgresPool, PostgresPoolClient, QueryResult, RawBuilder } from 'kysely';
import type pg from 'pg';
import type { Database } from './schema.js';

/** Registered texts and their statement names; fixed texts only, so it stays small. */
const names = new Map<string, string>();
const MAX_STATEMENTS = 64;

/**
 * Runs `query` as a named statement on `db` (a transaction's connection or the pool). Only for a
 * query whose text never varies (its values all parameters): each distinct text is a statement
 * kept on every connection. Past MAX_STATEMENTS distinct texts, queries run unnamed as usual.
 */
export function executePrepared<R>(db: Kysely<Database>, query: RawBuilder<R>): Promise<QueryResult<R>> {
  const compiled = query.compile(db);
  if (!names.has(compiled.sql) && names.size < MAX_STATEMENTS) names.set(compiled.sql, `klaxon_${names.size + 1}`);
  return db.executeQuery(compiled);
}

/** The pool as Kysely sees it: registered texts go out as named statements. */
export function preparingPool(pool: pg.Pool): PostgresPool {
  return {
    async connect(): Promise<PostgresPoolClient> {
      const client = await pool.connect();
      return {
        // Kysely's client type overloads query (a text, or a cursor Klaxon never configures): one
        // function cannot be typed as both, hence the cast.
        query: ((text: string, values: unknown[]) => {
          const name = names.get(text);
          return name ? client.query({ name, text, values }) : client.query(text, values);
        }) as unknown as PostgresPoolClient['query'],
        release: () => client.release(),
      };
    },
    end: () => pool.end(),
  };
}
