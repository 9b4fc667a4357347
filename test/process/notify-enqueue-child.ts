/**
 * A process that decides a page and dies: it queues one notification in a committed
 * transaction, says so, and waits to be killed (it runs no job runner).
 * Usage: DATABASE_URL=… INCIDENT_ID=… node --import tsx test/process/notify-enqueue-child.ts
 */
import { openDatabase } from '../../src/db/client.js';
import { queueNotifications } from '../../src/notify/outbox.js';

const handle = openDatabase(process.env.DATABASE_URL!, 2);
await handle.db.transaction().execute((trx) =>
  queueNotifications(trx, [
    {
      incidentId: process.env.INCIDENT_ID!,
      cycle: 0,
      step: 0,
      channel: 'email',
      target: 'email:oncall@example.com',
      address: 'oncall@example.com',
      purpose: 'page',
    },
  ]),
);
process.stdout.write('QUEUED\n');
setInterval(() => undefined, 60_000);
