import type { Task } from 'graphile-worker';
import type { Logger } from 'pino';
import type { TSchema } from 'typebox';
import { Value } from 'typebox/value';

/**
 * A task whose payload is checked where it starts. A payload that does not fit can
 * never succeed, so it is logged and dropped rather than retried.
 */
export function checkedTask<N extends keyof GraphileWorker.Tasks>(
  name: N,
  schema: TSchema,
  log: Pick<Logger, 'error'>,
  run: (payload: GraphileWorker.Tasks[N]) => Promise<void>,
): Task<N> {
  return async (payload, helpers) => {
    if (!Value.Check(schema, payload)) {
      const problems = [...Value.Errors(schema, payload)].slice(0, 3).map((e) => `${e.instancePath || '/'} ${e.message}`);
      log.error({ task: name, jobId: helpers.job.id, problems }, 'job payload refused; the job is dropped');
      return;
    }
    await run(payload as GraphileWorker.Tasks[N]);
  };
}
