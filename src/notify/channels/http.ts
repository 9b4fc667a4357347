import { permanent, retryable, type SendResult, sent } from './types.js';

/**
 * POSTs JSON and classifies the answer: 2xx sent; 408, 425, 429 and 5xx (and network
 * errors, timeouts) worth retrying; any other status permanent. Redirects are not
 * followed (a webhook that moved is a configuration problem). Errors never quote the
 * URL: a chat or webhook URL is a credential.
 */
export async function postJson(
  url: string,
  body: string,
  headers: Record<string, string>,
  timeoutMs: number,
  what: string,
): Promise<SendResult> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'Klaxon', ...headers },
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    return retryable(`${what}: ${networkError(err)}`);
  }
  const snippet = await readSnippet(res);
  if (res.status >= 200 && res.status < 300) return sent;
  const error = `${what} answered HTTP ${res.status}${snippet ? `: ${snippet}` : ''}`;
  return RETRY_STATUS.has(res.status) || res.status >= 500 ? retryable(error) : permanent(error);
}

const RETRY_STATUS = new Set([408, 425, 429]);

function networkError(err: unknown): string {
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError') return 'timed out';
  return e.cause?.code ?? e.cause?.message ?? e.message ?? 'request failed';
}

/** The first 200 characters of a body, one line, for the error record. */
async function readSnippet(res: Response): Promise<string> {
  try {
    return (await res.text()).replace(/\s+/g, ' ').trim().slice(0, 200);
  } catch {
    return '';
  }
}
