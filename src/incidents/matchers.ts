import safeRegex from 'safe-regex2';
import type { MatcherRow } from '../db/schema.js';
import type { FieldError } from '../errors.js';

/** Label matcher as Alertmanager spells it: `name="v"`, `name!="v"`, `name=~"re"`, `name!~"re"`. */
export type Matcher = MatcherRow;

export const MAX_REGEX_LENGTH = 256;

/**
 * Checks a user-supplied regex before it is ever run: bounded length, no
 * backreferences or lookarounds, and no nested quantifiers (star height ≤ 1,
 * checked by safe-regex2), so matching stays linear-ish on any label value.
 */
export function regexProblem(source: string): string | undefined {
  if (source.length > MAX_REGEX_LENGTH) return `regex longer than ${MAX_REGEX_LENGTH} characters`;
  if (/\\[1-9k]|\(\?<?[=!]/.test(source)) return 'backreferences and lookarounds are not allowed';
  try {
    new RegExp(source, 'u');
  } catch (err) {
    return `invalid regex: ${(err as Error).message}`;
  }
  if (!safeRegex(source)) return 'regex could backtrack catastrophically (nested quantifiers)';
  return undefined;
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

/** Compiles matchers into one predicate; regexes are anchored like Alertmanager's (`^(?:re)$`). */
export function compileMatchers(matchers: readonly Matcher[]): CompiledMatcher {
  const tests = matchers.map((m) => {
    const re = m.isRegex ? new RegExp(`^(?:${m.value})$`, 'u') : undefined;
    return (labels: Readonly<Record<string, string>>) => {
      const value = labels[m.name] ?? '';
      const hit = re ? re.test(value) : value === m.value;
      return hit === m.isEqual;
    };
  });
  return (labels) => tests.every((test) => test(labels));
}

/** Fills the defaults a request may omit: equality, not regex. */
export function normalizeMatchers(matchers: ReadonlyArray<{ name: string; value: string; isRegex?: boolean; isEqual?: boolean }>): Matcher[] {
  return matchers.map((m) => ({ name: m.name, value: m.value, isRegex: m.isRegex ?? false, isEqual: m.isEqual ?? true }));
}
