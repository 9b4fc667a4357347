/**
 * graphile-worker's log lines through pino (jobs/runner.ts): a job's success goes to debug, so a
 * storm does not write a line per job at the default level; problems keep their level.
 */
import { Writable } from 'node:stream';
import t from 'tap';
import { workerLogger } from '../../src/jobs/runner.js';
import { createLogger } from '../../src/logger.js';

function capture(level: string) {
  const lines: { level: number; msg: string }[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  return { lines, logger: workerLogger(createLogger(level, sink)) };
}

t.test("a job's success is logged at debug, its failure and warnings as they come", async (t) => {
  const atInfo = capture('info');
  atInfo.logger.info('Completed task 7 (escalation_step, 1.20ms) with success', { success: true, duration: 1.2 });
  atInfo.logger.info('Worker connected and looking for jobs');
  atInfo.logger.warn('Job 8 failed', { failure: true });
  atInfo.logger.error('Worker crashed');
  t.same(
    atInfo.lines.map((l) => [l.level, l.msg]),
    [
      [30, 'Worker connected and looking for jobs'],
      [40, 'Job 8 failed'],
      [50, 'Worker crashed'],
    ],
  );
  const atDebug = capture('debug');
  atDebug.logger.info('Completed task 7 (escalation_step, 1.20ms) with success', { success: true });
  t.same(
    atDebug.lines.map((l) => [l.level, l.msg]),
    [[20, 'Completed task 7 (escalation_step, 1.20ms) with success']],
  );
});
