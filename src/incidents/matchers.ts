/**
 * Label matchers, as Alertmanager has them. Regexes use RE2 syntax and run on
 * re2js, whose automata match in time linear in the label value whatever the
 * pattern, so no regex can stall the event loop by backtracking; a matcher
 * copied from an Alertmanager silence means the same thing here.
 *
 * No compile flag is needed for Unicode: re2js reads a JS string by code point,
 * so `.` matches one character even outside the BMP, and `\p{Greek}` classes
 * stay enabled. As in Go, `\w \d \s \b` are ASCII, and `(?i)` is the only way
 * to ignore case. LOOKBEHINDS stays off: Alertmanager's Go regexp has none.
 */
import { RE2JS, RE2JSSyntaxException } from 're2js';
import type { MatcherRow } from '../db/schema.js';
import type { FieldError } from '../errors.js';

/** Label matcher as Alertmanager spells it: `name="v"`, `name!="v"`, `name=~"re"`, `name!~"re"`. */
export type Matcher = MatcherRow;

export const MAX_REGEX_LENGTH = 256;

const UNSUPPORTED = 'is not supported: regexes use RE2 syntax, as Alertmanager does';

/** Turns an RE2 syntax error into a message naming the problem and the offending text. */
function syntaxMessage(err: RE2JSSyntaxException, source: string): string {
  const what = err.getDescription();
  const where = err.getPattern() ?? '';
  if (what === 'invalid escape sequence' && (/^\\[1-9]/.test(where) || (where === '\\k' && source.includes('\\k<')))) {
    return `backreference \`${where}\` ${UNSUPPORTED}`;
  }
  const lookaround = /^\(\?<?[=!]/.exec(where);
  if (lookaround) return `lookaround \`${lookaround[0]}\` ${UNSUPPORTED}`;
  return where ? `invalid regex: ${what}: \`${where}\`` : `invalid regex: ${what}`;
}

/** Compiles a user-supplied regex, or says why it cannot be (too long, or not RE2). */
function compileRegex(source: string): { re: RE2JS } | { problem: string } {
  if (source.length > MAX_REGEX_LENGTH) return { problem: `regex longer than ${MAX_REGEX_LENGTH} characters` };
  try {
    return { re: RE2JS.compile(source) };
  } catch (err) {
    if (err instanceof RE2JSSyntaxException) return { problem: syntaxMessage(err, source) };
    return { problem: `invalid regex: ${(err as Error).message}` };
  }
}

/** Why a user-supplied regex is refused (over MAX_REGEX_LENGTH, or not valid RE2), or undefined when it is fine. */
export function regexProblem(source: string): string | undefined {
  const compiled = compileRegex(source);
  return 'problem' in compiled ? compiled.problem : undefined;
}

/** Field errors for a list of matchers, with paths under `base` (e.g. "/body/matchers"). */
export function validateMatchers(matchers: Matcher[], base: string): FieldError[] {
  const errors: FieldError[] = [];
  matchers.forEach((m, i) => {
    if (!m.isRegex) return;
    const problem = regexProblem(m.value);
    if (problem) errors.push({ path: `${base}/${i}/value`, message: problem });
  });
  return errors;
}

export type CompiledMatcher = (labels: Readonly<Record<string, string>>) => boolean;

/**
 * Compiles matchers into one predicate, each regex once. A label the alert lacks
 * is matched as "" (as in Alertmanager). Throws when a regex does not compile.
 *
 * Regexes are anchored at both ends, meaning what Alertmanager's `^(?:re)$` means:
 * `testExact` requires the match to span the whole value. Compiling the user's text
 * on its own, rather than splicing it into a larger pattern, keeps a stray `)` an
 * error instead of a way out of the anchors (`a)|(b`).
 */
export function compileMatchers(matchers: readonly Matcher[]): CompiledMatcher {
  const tests = matchers.map((m) => {
    let re: RE2JS | undefined;
    if (m.isRegex) {
      const compiled = compileRegex(m.value);
      if ('problem' in compiled) throw new Error(`matcher ${m.name}: ${compiled.problem}`);
      re = compiled.re;
    }
    return (labels: Readonly<Record<string, string>>) => {
      // Own labels only: an alert without `constructor` must not see Object.prototype's.
      const value = Object.hasOwn(labels, m.name) ? (labels[m.name] ?? '') : '';
      const hit = re ? re.testExact(value) : value === m.value;
      return hit === m.isEqual;
    };
  });
  return (labels) => tests.every((test) => test(labels));
}

/** Fills the defaults a request may omit: equality, not regex. */
export function normalizeMatchers(
  matchers: ReadonlyArray<{ name: string; value: string; isRegex?: boolean; isEqual?: boolean }>,
): Matcher[] {
  return matchers.map((m) => ({ name: m.name, value: m.value, isRegex: m.isRegex ?? false, isEqual: m.isEqual ?? true }));
}
