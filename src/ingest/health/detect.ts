import { fail } from '../limits.js';
import type { FormatName, HealthDecoder } from './check.js';
import { gatus } from './gatus.js';
import { generic } from './generic.js';
import { healthchecks } from './healthchecks.js';
import { kuma } from './kuma.js';

/** In the order a refusal lists them. */
export const DECODERS: Readonly<Record<FormatName, HealthDecoder>> = { generic, 'uptime-kuma': kuma, healthchecks, gatus };

const andList = (items: string[]) => (items.length < 2 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`);

/**
 * Picks the one format a body is, without guessing: the `source` marker of
 * Klaxon's own templates decides alone; otherwise exactly one format must show
 * its explicit signal (check_id; heartbeat+monitor; a check uuid with up/down or
 * the $JSON check object; TRIGGERED/RESOLVED). Two signals are ambiguous and
 * none is unrecognised: both throw a PayloadError saying what each format saw
 * or missed, so the sender can fix the template or the integration pin its format.
 */
export function detectFormat(body: Record<string, unknown>): { decoder: HealthDecoder; signal: string } {
  const seen = Object.values(DECODERS).map((decoder) => ({ decoder, r: decoder.recognise(body) }));
  const matched = seen.flatMap(({ decoder, r }) => ('signal' in r ? [{ decoder, signal: r.signal, marker: r.marker === true }] : []));
  const marked = matched.filter((m) => m.marker);
  const chosen = marked.length === 1 ? marked : matched;
  if (chosen.length === 1) return chosen[0]!;
  if (chosen.length > 1) {
    fail(
      '',
      `ambiguous health payload: it has the signals of ${andList(chosen.map((c) => `${c.decoder.format} (${c.signal})`))}; ` +
        "pin the integration's format to the one it is",
    );
  }
  const reasons = seen.map(({ decoder, r }) => `${decoder.format}: ${'missing' in r ? r.missing : ''}`);
  return fail('', `unrecognised health payload; tried ${reasons.join('; ')}`);
}
