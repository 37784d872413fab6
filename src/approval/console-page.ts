// The approval console's one page: lists pending tickets live (polling the JSON API every second),
// shows each call in full and answers with the buttons. Everything from a ticket is put into the page
// with textContent, never as HTML, so arguments cannot inject markup.

/** The page's HTML; `nonce` is the CSP nonce that lets its own style and script run. */
export function consolePage(nonce: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>mcp-warden approvals</title>
<style nonce="${nonce}">${STYLE}</style>
</head>
<body>
<header class="top">
  <h1>mcp-warden <span>approvals</span></h1>
  <label class="me">Your name <input id="by" maxlength="100" autocomplete="name" placeholder="recorded with your answers"></label>
  <span id="status" class="status">Connecting…</span>
</header>
<main>
  <section>
    <h2>Pending <span id="pending-count" class="count">0</span></h2>
    <p id="empty" class="empty">No call is waiting for approval. New requests appear here by themselves.</p>
    <div id="pending"></div>
  </section>
  <section>
    <h2>History</h2>
    <table id="history"><thead><tr><th>Decided</th><th>Tool</th><th>Agent</th><th>Environment</th><th>Decision</th><th>Via</th><th>By</th><th>Reason</th></tr></thead><tbody></tbody></table>
  </section>
</main>
<script nonce="${nonce}">${SCRIPT}</script>
</body>
</html>`;
}

const STYLE = `
:root { color-scheme: light; --bg:#f6f7f9; --card:#fff; --line:#dde1e6; --text:#1d2330; --muted:#5d6675; --ok:#11743b; --no:#b42318; --warn:#9a6700; }
* { box-sizing: border-box; }
body { margin:0; font:14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; background:var(--bg); color:var(--text); }
.top { display:flex; align-items:center; justify-content:space-between; padding:14px 24px; background:#1d2330; color:#fff; }
.top h1 { margin:0; font-size:18px; font-weight:600; } .top h1 span { font-weight:400; opacity:.75; }
.status { font-size:12px; opacity:.8; }
.me { font-size:12px; margin-left:auto; margin-right:16px; } .me input { margin-left:6px; padding:3px 6px; border-radius:4px; border:0; font:inherit; }
main { max-width:1080px; margin:0 auto; padding:20px 24px 40px; }
h2 { font-size:15px; margin:20px 0 10px; }
.count { display:inline-block; min-width:22px; padding:0 7px; border-radius:11px; background:#e4e7ec; text-align:center; font-size:12px; }
.empty { color:var(--muted); }
.ticket { background:var(--card); border:1px solid var(--line); border-left:4px solid var(--warn); border-radius:8px; padding:14px 16px; margin-bottom:14px; }
.ticket.highlight { box-shadow:0 0 0 3px #f5c451; }
.ticket .head { display:flex; flex-wrap:wrap; gap:8px; align-items:center; }
.tool { font:600 15px ui-monospace, SFMono-Regular, Menlo, monospace; }
.badge { padding:1px 8px; border-radius:10px; background:#eef1f5; color:var(--muted); font-size:12px; }
.expires { margin-left:auto; color:var(--warn); font-size:12px; }
.reasons { margin:8px 0; padding-left:18px; } .reasons .src { color:var(--muted); font-size:12px; }
.label { color:var(--muted); font-size:12px; margin-top:6px; } .digest { font-family:ui-monospace, monospace; }
pre { background:#0f1420; color:#e6edf3; padding:10px 12px; border-radius:6px; overflow:auto; max-height:360px; font:12.5px/1.45 ui-monospace, SFMono-Regular, Menlo, monospace; white-space:pre-wrap; word-break:break-word; }
pre.text { background:#fbfbfc; color:var(--text); border:1px solid var(--line); }
.actions { display:flex; flex-wrap:wrap; gap:10px; align-items:center; margin-top:8px; }
button { font:inherit; padding:6px 16px; border-radius:6px; border:1px solid transparent; cursor:pointer; color:#fff; }
button.approve { background:var(--ok); } button.deny { background:var(--no); }
button:disabled { opacity:.5; cursor:default; }
input.reason { flex:1; min-width:180px; padding:6px 8px; border:1px solid var(--line); border-radius:6px; font:inherit; }
.msg { color:var(--no); font-size:12px; width:100%; }
table { width:100%; border-collapse:collapse; background:var(--card); border:1px solid var(--line); border-radius:8px; font-size:13px; }
th, td { text-align:left; padding:7px 10px; border-bottom:1px solid var(--line); vertical-align:top; }
th { color:var(--muted); font-weight:500; font-size:12px; }
td.mono { font-family:ui-monospace, monospace; }
.state-approved { color:var(--ok); font-weight:600; } .state-denied { color:var(--no); font-weight:600; }
.state-expired, .state-withdrawn { color:var(--muted); font-weight:600; }
`;

const SCRIPT = `
'use strict';
const API = '/approvals/api/tickets';
const cards = new Map();
const $ = (id) => document.getElementById(id);

function el(tag, cls, text) {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  if (text !== undefined) node.textContent = String(text);
  return node;
}

// Characters that change layout without being seen (bidi overrides, zero-width, line separators) shown
// as \\uXXXX, so the text block shows what the call holds; newlines and tabs stay as they are.
function visible(text) {
  return text.replace(/[\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f\\u200b-\\u200f\\u2028-\\u202e\\u2060-\\u2064\\u2066-\\u2069\\ufeff]/g,
    (c) => '\\\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
}

// The name typed once is kept in this browser and sent with every answer, so the audit says who answered.
const NAME_KEY = 'mcp-warden-approvals-by';
function me() {
  const by = $('by').value.trim();
  return by ? { by } : {};
}

function left(ms) {
  if (ms <= 0) return 'expiring…';
  const s = Math.ceil(ms / 1000);
  return 'denied in ' + (s >= 60 ? Math.floor(s / 60) + 'm ' + (s % 60) + 's' : s + 's') + ' without an answer';
}

function card(t) {
  const root = el('article', 'ticket');
  root.id = 'ticket-' + t.id;
  root.dataset.id = t.id;
  const head = el('div', 'head');
  head.append(el('span', 'tool', t.server + '/' + t.tool), el('span', 'badge', 'agent ' + t.agent), el('span', 'badge', 'env ' + t.environment));
  // Who asked: the session, the client as it named itself (unverified) and where the server works.
  head.append(el('span', 'badge session', 'session ' + t.session));
  if (t.client) head.append(el('span', 'badge client', 'client ' + t.client.name + ' ' + t.client.version));
  if (t.workingDir) head.append(el('span', 'badge cwd', 'in ' + t.workingDir));
  // Which replica (or host) holds the session, worded by the server: several may serve one console.
  if (t.where) head.append(el('span', 'badge where', t.where));
  const expires = el('span', 'expires', left(t.expiresAt - Date.now()));
  expires.dataset.expiresAt = String(t.expiresAt);
  head.append(expires);
  root.append(head);
  const reasons = el('ul', 'reasons');
  for (const r of t.reasons) {
    const li = el('li', '', r.message + ' ');
    li.append(el('span', 'src', r.rule + ' · ' + r.source));
    reasons.append(li);
  }
  root.append(reasons);
  const label = el('div', 'label', 'Arguments, exactly as they will be forwarded · ');
  label.append(el('span', 'digest', 'sha256 ' + t.argumentsSha256.slice(0, 16) + '…'));
  root.append(label, el('pre', 'args', JSON.stringify(t.arguments, null, 2)));
  // A script or a file's content reads as text, not as one escaped JSON line; the JSON above stays exact.
  for (const [key, value] of Object.entries(t.arguments)) {
    if (typeof value !== 'string' || !value.includes('\\n')) continue;
    root.append(el('div', 'label', key + ' as text, ' + value.split('\\n').length + ' lines'), el('pre', 'text', visible(value)));
  }
  // A tool whose definition changed since it was pinned, or that the scanner flagged (issue 13).
  let trust;
  if (t.definition) {
    const d = t.definition;
    if (d.pin) {
      root.append(el('div', 'label', d.pin.state === 'new' ? 'New tool, not pinned: its definition' : 'Definition changed since it was pinned: ' + d.pin.fields.join(', ')));
      if (d.pin.diff) root.append(el('pre', 'diff', visible(d.pin.diff)));
    }
    if (d.findings && d.findings.length) {
      const list = el('ul', 'findings');
      for (const f of d.findings) list.append(el('li', '', f.rule + ' in ' + f.field + ': ' + f.message + (f.excerpt ? ' — ' + visible(f.excerpt) : '')));
      root.append(el('div', 'label', 'Scanning findings'), list);
    }
  }
  const actions = el('div', 'actions');
  if (t.definition) {
    const trustLabel = el('label', '');
    trust = el('input', 'trust');
    trust.type = 'checkbox';
    trustLabel.append(trust, ' Trust this definition (pin it; run "mcp-warden pin" to write the lockfile)');
    actions.append(trustLabel);
  }
  const rememberLabel = el('label', '');
  const remember = el('input', 'remember');
  remember.type = 'checkbox';
  rememberLabel.append(remember, ' Remember for this session (same tool and arguments)');
  const approve = el('button', 'approve', 'Approve');
  const reason = el('input', 'reason');
  reason.placeholder = 'Reason for denying (optional)';
  reason.maxLength = 1000;
  const deny = el('button', 'deny', 'Deny');
  const msg = el('div', 'msg');
  approve.addEventListener('click', () => answer(t.id, 'approve', { ...me(), remember: remember.checked, ...(trust && trust.checked ? { trust: true } : {}) }, root));
  deny.addEventListener('click', () => answer(t.id, 'deny', { ...me(), ...(reason.value.trim() ? { reason: reason.value.trim() } : {}) }, root));
  actions.prepend(approve);
  actions.append(rememberLabel, reason, deny, msg);
  root.append(actions);
  return root;
}

async function answer(id, action, body, root) {
  for (const b of root.querySelectorAll('button')) b.disabled = true;
  const msg = root.querySelector('.msg');
  msg.textContent = '';
  try {
    const res = await fetch(API + '/' + encodeURIComponent(id) + '/' + action, {
      method: 'POST', credentials: 'same-origin', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
    });
    if (!res.ok) {
      // A body that is not JSON (a proxy's error page, say): the status below says enough.
      const data = await res.json().catch(() => ({}));
      msg.textContent = data.error || ('The console answered HTTP ' + res.status);
      for (const b of root.querySelectorAll('button')) b.disabled = false;
    }
  } catch (error) {
    msg.textContent = 'Could not reach the gateway: ' + error.message;
    for (const b of root.querySelectorAll('button')) b.disabled = false;
  }
  refresh();
}

function renderPending(pending) {
  const seen = new Set();
  for (const t of pending) {
    seen.add(t.id);
    if (!cards.has(t.id)) {
      const node = card(t);
      cards.set(t.id, node);
      $('pending').append(node);
      if (location.hash === '#ticket-' + t.id) { node.classList.add('highlight'); node.scrollIntoView(); }
    }
  }
  for (const [id, node] of cards) if (!seen.has(id)) { node.remove(); cards.delete(id); }
  $('pending-count').textContent = String(pending.length);
  $('empty').hidden = pending.length > 0;
}

function renderHistory(history) {
  const body = $('history').tBodies[0];
  const rows = history.map((t) => {
    const tr = el('tr');
    tr.dataset.id = t.id;
    const when = new Date(t.decidedAt || t.createdAt).toLocaleTimeString();
    tr.append(el('td', '', when), el('td', 'mono', t.server + '/' + t.tool), el('td', '', t.agent), el('td', '', t.environment),
      el('td', 'state-' + t.state, t.state + (t.remember ? ' (remembered)' : '')), el('td', '', t.channel || ''), el('td', '', t.answeredBy || ''),
      el('td', '', t.decisionReason || ''));
    tr.title = JSON.stringify(t.arguments);
    return tr;
  });
  body.replaceChildren(...rows);
}

function tick() {
  for (const node of document.querySelectorAll('.expires')) node.textContent = left(Number(node.dataset.expiresAt) - Date.now());
}

let busy = false;
async function refresh() {
  if (busy) return;
  busy = true;
  try {
    const res = await fetch(API, { credentials: 'same-origin', cache: 'no-store' });
    if (res.status === 401) { $('status').textContent = 'Signed out: open the link the gateway printed at start-up'; return; }
    if (!res.ok) { $('status').textContent = 'The gateway answered HTTP ' + res.status; return; }
    const data = await res.json();
    renderPending(data.pending);
    renderHistory(data.history);
    $('status').textContent = 'Live · updated ' + new Date().toLocaleTimeString();
  } catch (error) {
    $('status').textContent = 'Gateway unreachable, retrying…';
  } finally {
    busy = false;
  }
}

$('by').value = localStorage.getItem(NAME_KEY) || '';
$('by').addEventListener('change', () => localStorage.setItem(NAME_KEY, $('by').value.trim()));
refresh();
setInterval(refresh, 1000);
setInterval(tick, 1000);
`;
