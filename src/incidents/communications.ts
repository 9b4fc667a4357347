/**
 * What responders say and when (the seeds' communication templates and update cadence),
 * as pure functions: the next update due by the severity's cadence, the chat channel
 * name, and the six messages rendered from an incident as plain text or Markdown.
 * No database, no clock of its own: `now` is an argument (docs/communications.md).
 */
import type { IncidentStatus, Severity } from '../vocabulary.js';

// ---------------------------------------------------------------- cadence

export interface CadenceInput {
  severity: Severity;
  status: IncidentStatus;
  openedAt: Date;
  /** The last status update posted, if any. */
  lastUpdateAt: Date | null;
}

/**
 * When the next status update is due: the severity's cadence after the last update (or
 * after the incident opened, before any); null once resolved (nothing more is due).
 */
export function nextUpdateDue(input: CadenceInput, cadenceSeconds: Record<Severity, number>): Date | null {
  if (input.status === 'resolved') return null;
  const base = input.lastUpdateAt && input.lastUpdateAt > input.openedAt ? input.lastUpdateAt : input.openedAt;
  return new Date(base.getTime() + cadenceSeconds[input.severity] * 1000);
}

/** Overdue: open, and `now` is past the next update's due time. */
export function updateOverdue(input: CadenceInput, cadenceSeconds: Record<Severity, number>, now: Date): boolean {
  const due = nextUpdateDue(input, cadenceSeconds);
  return due !== null && now.getTime() > due.getTime();
}

/** `900` → `15 minutes`, `7200` → `2 hours`, `86400` → `24 hours`, `90` → `90 seconds`. */
export function formatCadence(seconds: number): string {
  const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`;
  if (seconds % 3600 === 0) return plural(seconds / 3600, 'hour');
  if (seconds % 60 === 0) return plural(seconds / 60, 'minute');
  return plural(seconds, 'second');
}

// ---------------------------------------------------------------- chat channel

/** The seeds' convention `#incident-YYYY-MM-DD-<slug>`: the opening day (UTC) and the service, else the title. */
export function chatChannelName(input: { openedAt: Date; service: string | null; title: string }): string {
  const day = input.openedAt.toISOString().slice(0, 10);
  const prefix = `#incident-${day}-`;
  const slugOf = (s: string) =>
    s
      .normalize('NFKD')
      .replace(/\p{M}/gu, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '');
  // Slack allows 80 characters (without the '#').
  const room = 80 - (prefix.length - 1);
  const slug = (slugOf(input.service ?? '') || slugOf(input.title) || 'incident').slice(0, room).replace(/-+$/, '');
  return `${prefix}${slug || 'incident'}`;
}

// ---------------------------------------------------------------- messages

export const MESSAGE_KINDS = ['declared', 'update', 'resolved', 'status-investigating', 'status-identified', 'status-resolved'] as const;
export type MessageKind = (typeof MESSAGE_KINDS)[number];
export type MessageFormat = 'text' | 'markdown';

/** Everything a message may say, read from the incident (null: not known). */
export interface MessageContext {
  title: string;
  severity: Severity;
  status: IncidentStatus;
  service: string | null;
  commander: string | null;
  openedAt: Date;
  resolvedAt: Date | null;
  impact: string | null;
  summary: string | null;
  /** From the latest status update. */
  findings: string | null;
  actions: string | null;
  /** How it was resolved: the resolve message, if a person gave one. */
  resolution: string | null;
  nextUpdateAt: Date | null;
  cadenceSeconds: number;
  channel: string;
  /** The public status page, when Klaxon knows its URL. */
  statusPageUrl: string | null;
  now: Date;
}

/** `2025-12-09 14:23 UTC` */
export function formatUtc(d: Date): string {
  return `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** `1h 22m`, `3m`, `2d 4h 5m` (whole minutes, rounded down). */
export function formatDuration(ms: number): string {
  const minutes = Math.max(0, Math.floor(ms / 60_000));
  const d = Math.floor(minutes / 1440);
  const h = Math.floor((minutes % 1440) / 60);
  const m = minutes % 60;
  const parts = [d ? `${d}d` : '', h ? `${h}h` : '', `${m}m`].filter(Boolean);
  return parts.join(' ');
}

const STATUS_WORDS: Record<IncidentStatus, string> = {
  triggered: 'Triggered',
  acknowledged: 'Acknowledged',
  investigating: 'Investigating',
  identified: 'Identified',
  mitigating: 'Mitigating',
  resolved: 'Resolved',
};

/** `SEV2` → `SEV-2`, as the seeds write it. */
const sev = (s: Severity) => s.replace('SEV', 'SEV-');

/** A field with no value says so plainly. */
const MISSING = {
  impact: 'not yet assessed',
  commander: 'not assigned',
  findings: 'none recorded yet',
  actions: 'none recorded yet',
  rootCause: 'not yet determined',
  mitigation: 'not recorded',
  nextUpdate: 'none scheduled (resolved)',
  summary: 'no summary yet',
} as const;

/** Escapes what Markdown would read as markup in a value a person typed. */
export function escapeMarkdown(s: string): string {
  return s.replace(/[\\`*_{}[\]#+!|<>~]/g, '\\$&').replace(/^(\s*)([-=])/gm, '$1\\$2');
}

/** A value a person typed, on one line (messages are line-oriented). */
const oneLine = (s: string) => s.replace(/\s*\r?\n\s*/g, ' ').trim();

interface Block {
  heading: string;
  /** Label → value lines (commander style). */
  fields?: [string, string][];
  /** Prose paragraphs (status-page style). */
  paragraphs?: string[];
}

function build(kind: MessageKind, c: MessageContext): Block {
  const v = (value: string | null, missing: string) => (value?.trim() ? oneLine(value) : missing);
  const duration = formatDuration((c.resolvedAt ?? c.now).getTime() - c.openedAt.getTime());
  const commander = c.commander?.trim() ? `@${oneLine(c.commander).replace(/^@/, '')}` : MISSING.commander;
  const nextUpdate = c.nextUpdateAt ? formatUtc(c.nextUpdateAt) : MISSING.nextUpdate;
  const cadence = formatCadence(c.cadenceSeconds);
  const what = c.impact?.trim()
    ? oneLine(c.impact).replace(/[.\s]+$/, '')
    : c.service
      ? `an issue affecting ${oneLine(c.service)}`
      : 'an issue affecting our service';
  const statusLine = c.statusPageUrl ? [`Status: ${c.statusPageUrl}`] : [];
  switch (kind) {
    case 'declared':
      return {
        heading: 'INCIDENT DECLARED',
        fields: [
          ['Severity', sev(c.severity)],
          ['Time', formatUtc(c.openedAt)],
          ['Summary', v(c.summary, oneLine(c.title))],
          ['Impact', v(c.impact, MISSING.impact)],
          ['Incident Commander', commander],
          ['Channel', c.channel],
        ],
      };
    case 'update':
      return {
        heading: 'INCIDENT UPDATE',
        fields: [
          ['Incident', `${oneLine(c.title)} (${sev(c.severity)})`],
          ['Status', STATUS_WORDS[c.status]],
          ['Started', formatUtc(c.openedAt)],
          ['Duration so far', duration],
          ['Impact', v(c.impact, MISSING.impact)],
          ['Current findings', v(c.findings, MISSING.findings)],
          ['Actions in progress', v(c.actions, MISSING.actions)],
          ['Incident Commander', commander],
          ['Next update', nextUpdate],
        ],
      };
    case 'resolved':
      return {
        heading: 'INCIDENT RESOLVED',
        fields: [
          ['Time', c.resolvedAt ? formatUtc(c.resolvedAt) : `not resolved yet (status: ${STATUS_WORDS[c.status]})`],
          ['Duration', duration],
          ['Root Cause', v(c.findings, MISSING.rootCause)],
          ['Mitigation', v(c.resolution ?? c.actions, MISSING.mitigation)],
          ['Next Steps', nextSteps(c)],
        ],
      };
    case 'status-investigating':
      return {
        heading: `🚨 INCIDENT ALERT - ${sev(c.severity)} 🚨`,
        paragraphs: [
          `We're investigating ${what}. Our team is actively working on resolving this issue. ` + `We'll provide updates every ${cadence}.`,
          ...statusLine,
        ],
      };
    case 'status-identified': {
      const found = c.findings?.trim()
        ? `We've identified the cause: ${oneLine(c.findings).replace(/[.\s]+$/, '')}.`
        : "We've identified the cause.";
      const doing = c.actions?.trim() ? ` We are ${lowerFirst(oneLine(c.actions).replace(/[.\s]+$/, ''))}.` : ' We are implementing a fix.';
      return {
        heading: '📊 INCIDENT UPDATE',
        paragraphs: [`${found}${doing} Next update in ${cadence}.`, ...statusLine],
      };
    }
    case 'status-resolved':
      return {
        heading: '✅ INCIDENT RESOLVED',
        paragraphs: [
          `The issue (${what}) has been resolved. All systems are operating normally. We apologize for the disruption.` +
            postmortemPromise(c.severity),
          ...statusLine,
        ],
      };
  }
}

const lowerFirst = (s: string) => (/^[A-Z][a-z]/.test(s) ? s[0]!.toLowerCase() + s.slice(1) : s);

function nextSteps(c: MessageContext): string {
  if (c.severity === 'SEV1' || c.severity === 'SEV2') {
    const from = c.resolvedAt ?? c.now;
    return `Post-mortem due by ${formatUtc(new Date(from.getTime() + 48 * 3600_000))}`;
  }
  return c.severity === 'SEV3' ? 'Lightweight review' : 'None required';
}

function postmortemPromise(severity: Severity): string {
  return severity === 'SEV1' || severity === 'SEV2' ? ' A detailed post-mortem will be published within 48 hours.' : '';
}

/** Renders one of the seeds' templates from the incident, as plain text or Markdown. */
export function renderMessage(kind: MessageKind, c: MessageContext, format: MessageFormat): string {
  const b = build(kind, c);
  if (format === 'text') {
    const body = b.fields ? b.fields.map(([k, val]) => `${k}: ${val}`).join('\n') : b.paragraphs!.join('\n\n');
    return `${b.heading}\n${b.fields ? '' : '\n'}${body}\n`;
  }
  const body = b.fields
    ? b.fields.map(([k, val]) => `- **${k}**: ${escapeMarkdown(val)}`).join('\n')
    : b.paragraphs!.map((p) => (p.startsWith('Status: ') ? `Status: <${c.statusPageUrl}>` : escapeMarkdown(p))).join('\n\n');
  return `**${escapeMarkdown(b.heading)}**\n\n${body}\n`;
}
