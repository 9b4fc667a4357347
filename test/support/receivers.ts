/**
 * Real receivers for outbound notifications: an in-process SMTP server (smtp-server,
 * each message parsed with mailparser) and HTTP listeners that record what they got.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

interface Teardown {
  teardown(fn: () => unknown): void;
}

export interface SmtpReceiver {
  port: number;
  mails: ParsedMail[];
  /** Envelope recipients of each message, in order. */
  recipients: string[][];
  logins: { username: string; password: string }[];
  listen(): Promise<void>;
  close(): Promise<void>;
}

/** An SMTP server on 127.0.0.1 (a free port, or `port`), accepting any login. */
export async function startSmtp(t: Teardown, port = 0): Promise<SmtpReceiver> {
  const mails: ParsedMail[] = [];
  const recipients: string[][] = [];
  const logins: { username: string; password: string }[] = [];
  let server: SMTPServer | undefined;
  const receiver: SmtpReceiver = {
    port,
    mails,
    recipients,
    logins,
    async listen() {
      server = new SMTPServer({
        disabledCommands: ['STARTTLS'],
        authOptional: true,
        allowInsecureAuth: true,
        logger: false,
        onAuth(auth, _session, cb) {
          logins.push({ username: auth.username ?? '', password: auth.password ?? '' });
          cb(null, { user: auth.username });
        },
        onData(stream, session, cb) {
          simpleParser(stream)
            .then((mail) => {
              mails.push(mail);
              recipients.push(session.envelope.rcptTo.map((r) => r.address));
              cb();
            })
            .catch(cb);
        },
      });
      const s = server;
      await new Promise<void>((resolve, reject) => {
        s.once('error', reject);
        s.listen(receiver.port, '127.0.0.1', () => resolve());
      });
      receiver.port = (s.server.address() as AddressInfo).port;
    },
    async close() {
      const s = server;
      server = undefined;
      if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
    },
  };
  await receiver.listen();
  t.teardown(() => receiver.close());
  return receiver;
}

export interface Received {
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export interface HttpReceiver {
  url: string;
  received: Received[];
  /** What the next requests are answered with (default 200). */
  status: number;
}

/** An HTTP listener on 127.0.0.1 recording each request; answers with `receiver.status`. */
export async function startHttp(t: Teardown): Promise<HttpReceiver> {
  const receiver: HttpReceiver = { url: '', received: [], status: 200 };
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      receiver.received.push({ path: req.url ?? '', headers: req.headers, body });
      res
        .writeHead(receiver.status, { 'content-type': 'application/json' })
        .end(receiver.status < 300 ? '{"ok":true}' : '{"error":"refused"}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return receiver;
}
