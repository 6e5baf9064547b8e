import type { StateSources } from './state.js';

const SHOWN = 50;

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function row(cells: readonly (string | number | boolean)[]): string {
  return `<tr>${cells.map((cell) => `<td>${escapeHtml(String(cell))}</td>`).join('')}</tr>`;
}

function isoTime(ms: number): string {
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? String(ms) : date.toISOString();
}

/** The page at GET /: counts and the latest arrivals, refreshed every 2 s so a demo can be watched live. */
export function renderPage(sources: StateSources): string {
  const { datamix, initialState, violations, injected } = sources;
  const records = datamix.records.slice(-SHOWN).reverse();
  const events = initialState.events.slice(-SHOWN).reverse();
  const recentViolations = violations.list.slice(-SHOWN).reverse();
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="2">
<title>logferry emulator</title>
<style>body{font-family:system-ui,sans-serif;margin:1.5rem}table{border-collapse:collapse;margin-bottom:1.5rem}
td,th{border:1px solid #ccc;padding:2px 6px;font-size:13px;text-align:left;vertical-align:top}</style></head>
<body><h1>logferry emulator</h1>
<p>Datamix: ${datamix.received} records, ${datamix.rejectedTotal} rejected, ${datamix.sessionCreations} sessions created.
Initial State: ${initialState.received} events, ${initialState.buckets.length} buckets.
Initial State Events API: ${escapeHtml(sources.initialStateEvents.buckets.map((b) => `${b.bucketName ?? b.bucketKey}: ${b.events} events`).join(', ') || 'no buckets')}.
Violations: ${violations.total}. Faults injected: ${injected.length}.</p>
<h2>Datamix (last ${SHOWN})</h2>
<table><tr><th>received</th><th>destination</th><th>level</th><th>timestamp</th><th>message</th></tr>
${records.map((r) => row([isoTime(r.receivedAt), r.destination, r.level, isoTime(r.timestamp), r.message])).join('\n')}</table>
<h2>Initial State (last ${SHOWN})</h2>
<table><tr><th>received</th><th>b</th><th>sn</th><th>v</th><th>e</th></tr>
${events.map((e) => row([isoTime(e.receivedAt), e.b, e.sn, e.v, e.e])).join('\n')}</table>
<h2>Violations (last ${SHOWN})</h2>
<table><tr><th>at</th><th>api</th><th>rule</th><th>detail</th></tr>
${recentViolations.map((v) => row([isoTime(v.at), v.api, v.rule, v.detail])).join('\n')}</table>
</body></html>
`;
}
