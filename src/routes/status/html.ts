/**
 * The public status page as server-rendered HTML: no script, one inline stylesheet allowed
 * by its hash in the page's own Content-Security-Policy, readable on a phone, every value
 * HTML-escaped. Pure: the StatusPage model in, a string out.
 */
import { createHash } from 'node:crypto';
import type { PublicIncident, ServiceState, StatusPage } from '../../schemas/communications.js';

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const STYLE = `
:root{color-scheme:light dark;--ok:#1a7f37;--warn:#9a6700;--bad:#cf222e;--muted:#57606a}
body{font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0 auto;max-width:48rem;padding:1rem}
h1{font-size:1.5rem;margin:.5rem 0}h2{font-size:1.2rem;margin:1.5rem 0 .5rem}h3{font-size:1.05rem;margin:0}
.banner{border-radius:.5rem;padding:.75rem 1rem;font-weight:600;border:2px solid currentColor}
.operational{color:var(--ok)}.degraded_performance,.partial_outage{color:var(--warn)}.major_outage{color:var(--bad)}
ul{list-style:none;padding:0;margin:0}
.services li{display:flex;justify-content:space-between;gap:1rem;padding:.5rem 0;border-bottom:1px solid #d0d7de}
article{border:1px solid #d0d7de;border-radius:.5rem;padding:.75rem 1rem;margin:.75rem 0}
.meta,footer{color:var(--muted);font-size:.9rem}
.updates li{margin-top:.5rem}.updates p{margin:.1rem 0;white-space:pre-wrap;overflow-wrap:anywhere}
@media (prefers-color-scheme:dark){:root{--muted:#9da7b3}}
`;

/** The page's Content-Security-Policy: nothing loads, only this stylesheet applies. */
export const STATUS_PAGE_CSP = [
  "default-src 'none'",
  `style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'`,
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const STATE_WORDS: Record<ServiceState, string> = {
  operational: 'Operational',
  degraded_performance: 'Degraded performance',
  partial_outage: 'Partial outage',
  major_outage: 'Major outage',
};
const OVERALL_WORDS: Record<ServiceState, string> = {
  operational: 'All systems operational',
  degraded_performance: 'Some systems are degraded',
  partial_outage: 'Partial outage',
  major_outage: 'Major outage',
};
const STATUS_WORDS: Record<string, string> = {
  triggered: 'Investigating',
  acknowledged: 'Investigating',
  investigating: 'Investigating',
  identified: 'Identified',
  mitigating: 'Monitoring a fix',
  resolved: 'Resolved',
};

const time = (iso: string) => `<time datetime="${escapeHtml(iso)}">${escapeHtml(`${iso.slice(0, 16).replace('T', ' ')} UTC`)}</time>`;

function incident(i: PublicIncident): string {
  const updates =
    i.updates.length === 0
      ? `<p>We are investigating an issue${i.service ? ` affecting ${escapeHtml(i.service)}` : ''}. Updates will follow.</p>`
      : `<ul class="updates">${i.updates
          .map(
            (u) =>
              `<li><p><strong>${escapeHtml(STATUS_WORDS[u.status] ?? u.status)}</strong> · ${time(u.at)}</p><p>${escapeHtml(u.message)}</p></li>`,
          )
          .join('')}</ul>`;
  return `<article><h3>${escapeHtml(i.title)}</h3><p class="meta">${escapeHtml(STATUS_WORDS[i.status] ?? i.status)} · ${escapeHtml(
    i.impact,
  )} impact · started ${time(i.startedAt)}${i.resolvedAt ? ` · resolved ${time(i.resolvedAt)}` : ''}</p>${updates}</article>`;
}

export function renderStatusPage(page: StatusPage, title = 'Service status'): string {
  const services =
    page.services.length === 0
      ? '<p>No services are being monitored yet.</p>'
      : `<ul class="services">${page.services
          .map((s) => `<li><span>${escapeHtml(s.name)}</span><span class="${s.state}">${STATE_WORDS[s.state]}</span></li>`)
          .join('')}</ul>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<header><h1>${escapeHtml(title)}</h1></header>
<main>
<p class="banner ${page.overall}" role="status">${OVERALL_WORDS[page.overall]}</p>
<section aria-labelledby="current"><h2 id="current">Current incidents</h2>
${page.incidents.length === 0 ? '<p>No current incidents.</p>' : page.incidents.map(incident).join('\n')}
</section>
<section aria-labelledby="services"><h2 id="services">Services</h2>
${services}
</section>
<section aria-labelledby="resolved"><h2 id="resolved">Recently resolved</h2>
${page.recentlyResolved.length === 0 ? '<p>No incidents in the last 7 days.</p>' : page.recentlyResolved.map(incident).join('\n')}
</section>
</main>
<footer><p>Updated ${time(page.generatedAt)}. Also as <a href="/status.json">JSON</a>.</p></footer>
</body>
</html>
`;
}
