/**
 * Runs `src/server.ts` as its own process, the way `npm start` does, on a free port.
 * Shared by the process-level tests (server.test.ts, shutdown.test.ts).
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';

export interface Running {
  proc: ChildProcessWithoutNullStreams;
  base: string;
  output: () => string;
  /** Resolves with the exit code (null when killed by a signal). */
  exit: Promise<number | null>;
}

/** Starts the server with `env` over the test's environment; resolves once it is listening. */
export async function startServer(env: Record<string, string | undefined>): Promise<Running> {
  const merged: NodeJS.ProcessEnv = { ...process.env, PORT: '0', LOG_LEVEL: 'info', KLAXON_WORKER_CONCURRENCY: '1', ...env };
  for (const [k, v] of Object.entries(merged)) if (v === undefined) delete merged[k];
  const proc = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], { env: merged });
  let out = '';
  proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exit = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  const base = await new Promise<string>((resolve, reject) => {
    const timer = setInterval(() => {
      const m = out.match(/Klaxon is listening on (http:\/\/\S+)/);
      if (m) {
        clearInterval(timer);
        resolve(m[1]!);
      }
    }, 50);
    void exit.then(() => {
      clearInterval(timer);
      reject(new Error(`server exited during start:\n${out}`));
    });
  });
  return { proc, base, output: () => out, exit };
}
