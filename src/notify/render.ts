/**
 * Notification text from the seeds' communication templates (the incident
 * commander's "INCIDENT DECLARED" and "INCIDENT UPDATE"), pure: one incident and
 * a purpose in, subject and bodies out.
 */
import { formatCadence } from '../incidents/communications.js';
import type { IncidentPolicy } from '../incidents/policy.js';
import type { NotificationPurpose, Severity } from '../vocabulary.js';

export interface IncidentFacts {
  id: string;
  number: number;
  title: string;
  severity: Severity;
  status: string;
  service: string | null;
  openedAt: Date;
}

export interface Rendered {
  subject: string;
  text: string;
  html: string;
  /** One-line summary for chat and pagers. */
  summary: string;
}

/** The seeds' severity table: impact. Its acknowledgement targets and update cadence are the policy's. */
export const SEVERITY_IMPACT: Record<Severity, string> = {
  SEV1: 'Complete outage, all users affected',
  SEV2: 'Major degradation, most users affected',
  SEV3: 'Partial degradation, some users affected',
  SEV4: 'Minor issue, few users affected',
};

/** The targets a message states: KLAXON_ACK_TARGETS and KLAXON_UPDATE_CADENCE (the seeds' when unset). */
export type MessagePolicy = Pick<IncidentPolicy, 'ackTargetSeconds' | 'updateCadenceSeconds'>;

/** `900` → `every 15 minutes`; a day is `daily`, as the seeds say it. */
const cadenceText = (seconds: number) => (seconds === 86_400 ? 'daily' : `every ${formatCadence(seconds)}`);

const utc = (d: Date) => `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

export function duration(from: Date, to: Date): string {
  const minutes = Math.max(0, Math.floor((to.getTime() - from.getTime()) / 60_000));
  const h = Math.floor(minutes / 60);
  return h > 0 ? `${h}h ${minutes % 60}m` : `${minutes}m`;
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Lines of "Label: value" to a small HTML document (every value escaped). */
function toHtml(heading: string, lines: [string, string][], link?: string): string {
  const rows = lines.map(([k, v]) => `<tr><th align="left">${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join('');
  const a = link ? `<p><a href="${escapeHtml(link)}">${escapeHtml(link)}</a></p>` : '';
  return `<!doctype html><html><body><h2>${escapeHtml(heading)}</h2><table>${rows}</table>${a}</body></html>`;
}

/** An incident page, notification, ticket or update reminder. `link` is where the incident can be seen. */
export function renderIncident(
  incident: IncidentFacts,
  purpose: NotificationPurpose,
  now: Date,
  policy: MessagePolicy,
  link?: string,
): Rendered {
  const cadence = cadenceText(policy.updateCadenceSeconds[incident.severity]);
  const reminder = purpose === 'reminder';
  const heading = reminder ? `INCIDENT UPDATE DUE: ${incident.title}` : `INCIDENT DECLARED: ${incident.title}`;
  const lines: [string, string][] = [
    ['Severity', incident.severity],
    ['Incident', `#${incident.number}`],
    ['Start time', utc(incident.openedAt)],
    ...(reminder ? [['Duration', duration(incident.openedAt, now)] as [string, string]] : []),
    ['Impact', SEVERITY_IMPACT[incident.severity]],
    ['Status', capital(incident.status)],
    ['Service', incident.service ?? 'unknown'],
    reminder
      ? ['Update cadence', `${cadence}: a status update is due`]
      : ['Acknowledge within', formatCadence(policy.ackTargetSeconds[incident.severity])],
    ['Next update', cadence],
  ];
  const text = [heading, ...lines.map(([k, v]) => `${k}: ${v}`), ...(link ? ['', link] : [])].join('\n');
  const tag = `[${incident.severity}] #${incident.number}`;
  return {
    subject: reminder ? `${tag} update due: ${incident.title}` : `${tag} ${incident.title}`,
    text: `${text}\n`,
    html: toHtml(heading, lines, link),
    summary: `${tag} ${incident.title} (${incident.status})${reminder ? ': status update due' : ''}`,
  };
}

/** The digest of notifications a person's throttle held back. */
export function renderDigest(items: IncidentFacts[], windowSeconds: number): Rendered {
  const minutes = Math.round(windowSeconds / 60);
  const heading = `${items.length} notification${items.length === 1 ? '' : 's'} held back (more than your limit in ${minutes} minutes)`;
  const lines: [string, string][] = items.map((i) => [`[${i.severity}] #${i.number}`, `${i.title} (${i.status})`]);
  return {
    subject: `[Klaxon] ${heading}`,
    text: `${heading}\n${lines.map(([k, v]) => `${k} ${v}`).join('\n')}\n`,
    html: toHtml(heading, lines),
    summary: `${heading}: ${items.map((i) => `#${i.number}`).join(', ')}`,
  };
}
