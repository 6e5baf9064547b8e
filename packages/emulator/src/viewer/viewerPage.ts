/*
 * The viewer at GET /: plain HTML, CSS and a little JS, no build step and no
 * external assets (it works offline). The script fills the page from
 * /_emulator/events with textContent only, so nothing a client logs can
 * become markup; the Content-Security-Policy forbids inline script as well.
 */
export const VIEWER_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>logferry emulator</title>
<link rel="stylesheet" href="/_viewer/viewer.css">
<script src="/_viewer/viewer.js" defer></script>
</head>
<body>
<header>
  <h1>logferry emulator</h1>
  <p id="status" role="status" aria-live="polite" data-testid="status">connecting…</p>
</header>
<section class="counters" aria-label="counters">
  <div><span class="label">records/s</span> <output data-testid="records-per-second" id="rate">0</output></div>
  <div><span class="label">records</span> <output data-testid="record-count" id="total">0</output></div>
  <div><span class="label">sessions</span> <output data-testid="sessions" id="sessions">0</output></div>
  <div><span class="label">buckets</span> <output data-testid="buckets" id="buckets">0</output></div>
  <div><span class="label">violations</span> <output data-testid="violation-count" id="violation-total">0</output></div>
  <div><span class="label">faults applied</span> <output data-testid="faults-injected" id="faults">0</output></div>
</section>
<section class="faults" aria-label="fault injection">
  <h2>Faults</h2>
  <label>count <input id="fault-count" type="number" min="1" max="10000" value="1" data-testid="fault-count"></label>
  <button type="button" data-testid="fault-fail-next" data-action="fail-next">Fail next n (500)</button>
  <button type="button" data-testid="fault-429" data-action="429">429 next n (Retry-After 1 s)</button>
  <label>seconds <input id="fault-seconds" type="number" min="1" max="86400" value="10" data-testid="fault-seconds"></label>
  <button type="button" data-testid="fault-down" data-action="down">Down for n s</button>
  <button type="button" data-testid="fault-expire" data-action="expire">Expire sessions</button>
  <button type="button" data-testid="fault-clear" data-action="clear">Clear faults</button>
  <span id="fault-result" role="status" aria-live="polite" data-testid="fault-result"></span>
</section>
<section class="filters" aria-label="filters">
  <label>destination / bucket
    <select id="target" data-testid="target-filter"><option value="">all</option></select>
  </label>
  <label>level
    <select id="level" data-testid="level-filter">
      <option value="">all</option>
      <option value="debug">debug and up</option>
      <option value="info">info and up</option>
      <option value="warn">warn and up</option>
      <option value="error">error and up</option>
      <option value="fatal">fatal</option>
    </select>
  </label>
  <label>search <input id="search" type="search" placeholder="text in message, signal or target" data-testid="search"></label>
  <label><input id="follow" type="checkbox" checked> follow newest</label>
  <span id="shown" data-testid="shown"></span>
</section>
<main>
  <table aria-label="records">
    <thead><tr><th scope="col">received</th><th scope="col">API</th><th scope="col">destination / bucket</th><th scope="col">level</th><th scope="col">time</th><th scope="col">signal</th><th scope="col">message</th></tr></thead>
    <tbody id="records" data-testid="records"></tbody>
  </table>
</main>
<aside aria-label="protocol violations">
  <h2>Protocol violations</h2>
  <ol id="violations" data-testid="violations"></ol>
</aside>
</body>
</html>
`;

export const VIEWER_CSS = `:root{--bg:#fff;--fg:#1b1f24;--muted:#59636e;--line:#d1d9e0;--row:#f6f8fa;--accent:#0969da;--debug:#6e7781;--info:#1a7f37;--warn:#9a6700;--error:#cf222e;--fatal:#fff;--fatal-bg:#a40e26;--focus:#0969da}
@media (prefers-color-scheme: dark){:root{--bg:#0d1117;--fg:#e6edf3;--muted:#9198a1;--line:#3d444d;--row:#151b23;--accent:#4493f8;--debug:#9198a1;--info:#3fb950;--warn:#d29922;--error:#f85149;--fatal:#fff;--fatal-bg:#b62324;--focus:#4493f8}}
*{box-sizing:border-box}
body{margin:0;padding:1rem 1.25rem;font:14px/1.4 system-ui,-apple-system,"Segoe UI",sans-serif;background:var(--bg);color:var(--fg)}
header{display:flex;align-items:baseline;gap:1rem;flex-wrap:wrap}
h1{font-size:1.3rem;margin:0}
h2{font-size:1rem;margin:0 .5rem 0 0}
#status{color:var(--muted);margin:0}
section{display:flex;flex-wrap:wrap;align-items:center;gap:.5rem 1rem;margin:.75rem 0}
.counters div{border:1px solid var(--line);border-radius:6px;padding:.3rem .7rem;background:var(--row)}
.counters output{font-weight:600;font-variant-numeric:tabular-nums}
.label{color:var(--muted)}
button,input,select{font:inherit;color:inherit;background:var(--bg);border:1px solid var(--line);border-radius:6px;padding:.25rem .6rem}
input[type=number]{width:6rem}
input[type=search]{width:18rem}
button{cursor:pointer;background:var(--row)}
button:hover{border-color:var(--accent)}
:focus-visible{outline:2px solid var(--focus);outline-offset:2px}
table{border-collapse:collapse;width:100%;font:12.5px/1.35 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
th{position:sticky;top:0;background:var(--bg);text-align:left;border-bottom:2px solid var(--line);padding:.3rem .5rem}
td{border-bottom:1px solid var(--line);padding:.2rem .5rem;vertical-align:top}
td.message{white-space:pre-wrap;word-break:break-word}
tbody tr:nth-child(even){background:var(--row)}
main{max-height:60vh;overflow:auto;border:1px solid var(--line);border-radius:6px}
.level{font-weight:600;text-transform:uppercase}
.level-debug{color:var(--debug)}.level-info{color:var(--info)}.level-warn{color:var(--warn)}.level-error{color:var(--error)}
.level-fatal span{color:var(--fatal);background:var(--fatal-bg);padding:0 .3rem;border-radius:3px}
aside{margin-top:1rem}
#violations{font:12.5px/1.4 ui-monospace,monospace;max-height:25vh;overflow:auto;border:1px solid var(--line);border-radius:6px;padding:.4rem .4rem .4rem 2rem;margin:.4rem 0}
#violations:empty::before{content:"none";color:var(--muted)}
.rule{color:var(--error);font-weight:600}
`;
