import t from 'tap';
import { ConfigError, loadConfig } from '../../src/config.js';
import { classifySmtpError } from '../../src/notify/channels/email.js';
import { notifySettings, retryDelayMs } from '../../src/notify/settings.js';

t.test('notification settings come from the environment; secrets are never echoed', async (t) => {
  const config = loadConfig({
    SMTP_URL: 'smtp://user:hunter2@mail.example.com:587',
    KLAXON_CHAT_WEBHOOKS: '{"#incidents": "https://hooks.example.com/T/B/secret"}',
    KLAXON_THROTTLE_LIMIT: '3',
  });
  const s = notifySettings(config);
  t.same(s.chatWebhooks, { '#incidents': 'https://hooks.example.com/T/B/secret' });
  t.equal(s.throttle.limit, 3);
  t.equal(s.throttle.windowSeconds, 900);
  t.equal(s.mailFrom, 'Klaxon <klaxon@localhost>');

  for (const env of [
    { SMTP_URL: 'http://user:hunter2@x' },
    { KLAXON_CHAT_WEBHOOKS: '{"#a": "ftp://hunter2"}' },
    { KLAXON_CHAT_WEBHOOKS: 'not json hunter2' },
    { KLAXON_CHAT_WEBHOOKS: '["hunter2"]' },
  ]) {
    try {
      loadConfig(env);
      t.fail(`${JSON.stringify(env)} accepted`);
    } catch (err) {
      t.ok(err instanceof ConfigError, 'refused');
      t.notMatch((err as Error).message, 'hunter2', 'without echoing the value');
      t.match((err as Error).message, '<redacted>');
    }
  }
});

t.test('backoff doubles up to its cap', async (t) => {
  const s = { retryBaseMs: 1000, retryMaxMs: 5000 };
  t.same(
    [1, 2, 3, 4, 5].map((n) => retryDelayMs(n, s)),
    [1000, 2000, 4000, 5000, 5000],
  );
});

t.test('SMTP errors: 4xx and connection trouble retry, 5xx and the rest do not; the password is scrubbed', async (t) => {
  t.equal(classifySmtpError({ responseCode: 451, message: 'try later' }).outcome, 'retryable');
  t.equal(classifySmtpError({ responseCode: 550, message: 'no such user' }).outcome, 'permanent');
  t.equal(classifySmtpError({ code: 'ECONNECTION', message: 'connect ECONNREFUSED' }).outcome, 'retryable');
  t.equal(classifySmtpError({ code: 'EAUTH', responseCode: 535, message: 'bad login' }).outcome, 'permanent');
  t.equal(classifySmtpError({ code: 'EENVELOPE', message: 'no recipients' }).outcome, 'permanent');
  const scrubbed = classifySmtpError({ code: 'ESOCKET', message: 'oops hunter2 oops' }, 'hunter2');
  t.same(scrubbed, { outcome: 'retryable', error: 'SMTP: oops *** oops' });
});
