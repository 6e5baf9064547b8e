/*
 * The viewer's script, sent as it is written (no build step). It never uses
 * innerHTML: every value reaches the page through textContent or a form
 * control's value, so a logged "<script>" stays text.
 */
export const VIEWER_JS = String.raw`'use strict';
(function () {
  var MAX_ROWS = 2000;
  var RANK = { debug: 0, info: 1, warn: 2, error: 3, fatal: 4 };
  var rows = [];
  var targets = new Set();
  var $ = function (id) { return document.getElementById(id); };
  var tbody = $('records');
  var levelSelect = $('level');
  var targetSelect = $('target');
  var search = $('search');

  function text(tag, value, className) {
    var el = document.createElement(tag);
    el.textContent = value === undefined || value === null ? '' : String(value);
    if (className) el.className = className;
    return el;
  }

  function clock(ms) {
    var d = new Date(ms);
    return isNaN(d.getTime()) ? String(ms) : d.toISOString().slice(11, 23);
  }

  function matches(r) {
    var level = levelSelect.value;
    if (level && (RANK[r.level] === undefined ? 1 : RANK[r.level]) < RANK[level]) return false;
    if (targetSelect.value && r.kind + ' ' + r.target !== targetSelect.value) return false;
    var q = search.value.trim().toLowerCase();
    if (q && (r.message + ' ' + (r.signal || '') + ' ' + r.target).toLowerCase().indexOf(q) === -1) return false;
    return true;
  }

  function rowFor(r) {
    var tr = document.createElement('tr');
    tr.setAttribute('data-testid', 'record');
    tr.setAttribute('data-level', r.level);
    tr.setAttribute('data-kind', r.kind);
    tr.appendChild(text('td', clock(r.receivedAt)));
    tr.appendChild(text('td', r.kind));
    tr.appendChild(text('td', r.target, 'target'));
    var level = document.createElement('td');
    level.className = 'level level-' + (RANK[r.level] === undefined ? 'info' : r.level);
    level.appendChild(text('span', r.level));
    tr.appendChild(level);
    tr.appendChild(text('td', clock(r.time)));
    tr.appendChild(text('td', r.signal || ''));
    tr.appendChild(text('td', r.message, 'message'));
    r.el = tr;
    return tr;
  }

  function addTarget(r) {
    var key = r.kind + ' ' + r.target;
    if (targets.has(key)) return;
    targets.add(key);
    var option = document.createElement('option');
    option.value = key;
    option.textContent = r.kind + ': ' + r.target;
    targetSelect.appendChild(option);
  }

  function updateShown() {
    var shown = 0;
    for (var i = 0; i < rows.length; i++) if (!rows[i].el.hidden) shown++;
    $('shown').textContent = shown + ' of ' + rows.length + ' shown';
  }

  function add(records) {
    var fragment = document.createDocumentFragment();
    for (var i = 0; i < records.length; i++) {
      var r = records[i];
      addTarget(r);
      var tr = rowFor(r);
      tr.hidden = !matches(r);
      rows.push(r);
      fragment.appendChild(tr);
    }
    tbody.appendChild(fragment);
    while (rows.length > MAX_ROWS) rows.shift().el.remove();
    updateShown();
    if ($('follow').checked) tbody.parentElement.parentElement.scrollTop = tbody.parentElement.parentElement.scrollHeight;
  }

  function refilter() {
    for (var i = 0; i < rows.length; i++) rows[i].el.hidden = !matches(rows[i]);
    updateShown();
  }

  function addViolations(list) {
    var ol = $('violations');
    for (var i = 0; i < list.length; i++) {
      var v = list[i];
      var li = document.createElement('li');
      li.setAttribute('data-testid', 'violation');
      li.appendChild(text('span', clock(v.at) + ' ' + v.api + ' '));
      li.appendChild(text('span', v.rule, 'rule'));
      li.appendChild(text('span', ': ' + v.detail));
      ol.appendChild(li);
    }
    while (ol.children.length > 500) ol.firstElementChild.remove();
  }

  function counters(c) {
    $('rate').textContent = String(c.recordsPerSecond);
    $('total').textContent = String(c.records);
    $('sessions').textContent = c.sessions + ' (' + c.liveSessions + ' live)';
    $('buckets').textContent = String(c.buckets);
    $('violation-total').textContent = String(c.violations);
    $('faults').textContent = String(c.faultsInjected);
  }

  function connect() {
    var events = new EventSource('/_emulator/events');
    events.addEventListener('open', function () { $('status').textContent = 'live'; });
    events.addEventListener('error', function () { $('status').textContent = 'disconnected, retrying…'; });
    events.addEventListener('snapshot', function (e) {
      var data = JSON.parse(e.data);
      rows.forEach(function (r) { r.el.remove(); });
      rows = [];
      $('violations').textContent = '';
      add(data.records);
      addViolations(data.violations);
      counters(data.counters);
      document.body.setAttribute('data-ready', 'true');
    });
    events.addEventListener('records', function (e) { add(JSON.parse(e.data)); });
    events.addEventListener('violations', function (e) { addViolations(JSON.parse(e.data)); });
    events.addEventListener('counters', function (e) { counters(JSON.parse(e.data)); });
  }

  function fault(action) {
    var body = { action: action };
    var n = Number($('fault-count').value) || 1;
    if (action === 'fail-next') { body.count = n; body.status = 500; }
    if (action === '429') { body.count = n; body.retryAfter = 1; }
    if (action === 'down') body.seconds = Number($('fault-seconds').value) || 10;
    $('fault-result').textContent = 'sending…';
    fetch('/_faults', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) })
      .then(function (res) { return res.json().then(function (json) { return { ok: res.ok, json: json }; }); })
      .then(function (r) { $('fault-result').textContent = r.ok ? 'applied: ' + JSON.stringify(r.json) : 'refused: ' + r.json.error; })
      .catch(function (error) { $('fault-result').textContent = 'failed: ' + error.message; });
  }

  document.addEventListener('DOMContentLoaded', function () {
    levelSelect.addEventListener('change', refilter);
    targetSelect.addEventListener('change', refilter);
    search.addEventListener('input', refilter);
    document.querySelectorAll('button[data-action]').forEach(function (b) {
      b.addEventListener('click', function () { fault(b.getAttribute('data-action')); });
    });
    // "/" jumps to the search box, as on most log viewers.
    document.addEventListener('keydown', function (e) {
      if (e.key === '/' && document.activeElement !== search && !(document.activeElement instanceof HTMLInputElement)) { e.preventDefault(); search.focus(); }
    });
    connect();
  });
})();
`;
