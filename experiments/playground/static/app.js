// The playground's page. It only draws and sends settings: every number it
// shows was computed in Go by nndiy (see api.go for the JSON API).
'use strict';

const $ = (id) => document.getElementById(id);
const COLORS = ['#f59322', '#0877bd', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f'];
const POSITIVE = '#0877bd', NEGATIVE = '#f59322';

let session = null;   // the id of this tab's session
let st = null;        // the latest state
let pts = null;       // the points, for st.dataVersion
let polling = false;
let chosen = 0;       // the training point for backprop
let trace = null, traceAt = 0;
let hoverNote = '';

// ---------- the configuration and the URL ----------

const DEFAULTS = {
  data: 'xor', points: 400, noise: 0.02, test: 0.5, seed: 1, classes: 3,
  hidden: [4], act: ['tanh'], output: 'sigmoid-bce', rule: 'plain', lr: 0.1, batch: 10,
};

// configFromURL reads the experiment from the query string; the server
// checks every value.
function configFromURL() {
  const q = new URLSearchParams(location.search);
  const c = JSON.parse(JSON.stringify(DEFAULTS));
  for (const k of ['data', 'output', 'rule']) if (q.has(k)) c[k] = q.get(k);
  for (const k of ['points', 'noise', 'test', 'seed', 'classes', 'lr', 'batch']) if (q.has(k)) c[k] = Number(q.get(k));
  if (q.has('hidden')) c.hidden = q.get('hidden') === '' ? [] : q.get('hidden').split(',').map(Number);
  if (q.has('act')) c.act = q.get('act') === '' ? [] : q.get('act').split(',');
  if (c.data === 'csv') c.data = DEFAULTS.data; // a file does not fit in a link
  return c;
}

function urlOf(c) {
  const q = new URLSearchParams();
  for (const k of ['data', 'points', 'noise', 'test', 'seed', 'classes', 'output', 'rule', 'lr', 'batch']) q.set(k, c[k]);
  q.set('hidden', c.hidden.join(','));
  q.set('act', c.act.join(','));
  const keep = new URLSearchParams(location.search);
  if (keep.has('tab')) q.set('tab', keep.get('tab'));
  return location.pathname + '?' + q.toString();
}

// ---------- talking to the server ----------

async function api(method, path, body, raw) {
  const opts = { method, headers: {} };
  if (body !== undefined) {
    opts.body = raw ? body : JSON.stringify(body);
    opts.headers['Content-Type'] = raw ? 'text/csv' : 'application/json';
  }
  const res = await fetch(path, opts);
  const text = await res.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch (e) { data = { error: text }; }
  if (!res.ok) {
    const e = new Error((data && data.error) || res.statusText);
    e.status = res.status;
    throw e;
  }
  return data;
}

// sapi calls the API of this tab's session. A session the server dropped
// (idle too long, or the server restarted) is started again with the same
// experiment, once.
async function sapi(method, suffix, body, raw) {
  try {
    return await api(method, '/api/sessions/' + session + suffix, body, raw);
  } catch (e) {
    if (e.status !== 404 || !st) throw e;
    const s = await api('POST', '/api/sessions', st.config);
    session = s.id;
    pts = null;
    return api(method, '/api/sessions/' + session + suffix, body, raw);
  }
}

function showError(msg) {
  const e = $('error');
  e.textContent = msg;
  e.hidden = !msg;
}

async function guarded(f) {
  try {
    showError('');
    return await f();
  } catch (e) {
    showError(e.message);
    return null;
  }
}

async function start() {
  const c = configFromURL();
  try {
    await setState(await api('POST', '/api/sessions', c));
  } catch (e) {
    showError('The link\'s experiment was refused: ' + e.message + '. Starting from the default one.');
    await setState(await api('POST', '/api/sessions', DEFAULTS));
  }
  // Polls keep a playing session alive; this keeps a paused one while the
  // tab is visible. A hidden tab's session may be dropped, and comes back.
  setInterval(() => { if (!polling && !document.hidden) sapi('GET', '').catch(() => {}); }, 60000);
  addEventListener('pagehide', () => navigator.sendBeacon && navigator.sendBeacon('/api/sessions/' + session + '/close'));
}

async function setState(s) {
  if (!s) return;
  session = s.id;
  if (!pts || pts.version !== s.dataVersion) {
    pts = await sapi('GET', '/points');
    if (chosen >= pts.train.length) chosen = 0;
  }
  st = s;
  render();
  if (st.playing && !polling) poll();
}

async function poll() {
  polling = true;
  while (st && st.playing) {
    await new Promise((r) => setTimeout(r, 250));
    const s = await guarded(() => sapi('GET', ''));
    if (!s) break;
    await setState(s);
  }
  polling = false;
}

const control = (action) => guarded(async () => setState(await sapi('POST', '/control', { action })));

async function configure(edit) {
  const c = JSON.parse(JSON.stringify(st.config));
  edit(c);
  const s = await guarded(() => sapi('POST', '/config', c));
  if (s) {
    trace = null;
    renderTrace();
    await setState(s);
  } else {
    render(); // put the inputs back to the session's values
  }
}

// ---------- the page's inputs ----------

function wireInputs() {
  $('play').onclick = () => control('play');
  $('pause').onclick = () => control('pause');
  $('batch').onclick = () => control('batch');
  $('epoch').onclick = () => control('epoch');
  $('reset').onclick = () => control('reset');
  const fields = { rule: 'rule', output: 'output', data: 'data', lr: 'lr', batchsize: 'batch', points: 'points', noise: 'noise', test: 'test', seed: 'seed', classes: 'classes' };
  for (const [id, key] of Object.entries(fields)) {
    $(id).onchange = () => configure((c) => {
      const el = $(id);
      c[key] = el.tagName === 'SELECT' ? el.value : Number(el.value);
      if (key === 'data') adaptToData(c);
    });
  }
  $('csv').onchange = async () => {
    const f = $('csv').files[0];
    if (!f) return;
    if (f.size > 256 * 1024) { showError('csv: the file is larger than 256 KiB'); return; }
    const text = await f.text();
    const s = await guarded(() => sapi('POST', '/csv', text, true));
    $('csv').value = '';
    if (s) { trace = null; renderTrace(); await setState(s); }
  };
  $('add-layer').onclick = () => configure((c) => {
    c.hidden.push(c.hidden.length ? c.hidden[c.hidden.length - 1] : 4);
    c.act.push(c.act.length ? c.act[c.act.length - 1] : 'tanh');
  });
  $('remove-layer').onclick = () => configure((c) => { c.hidden.pop(); c.act.pop(); });
  $('bp-point').onclick = () => traceStep(chosen);
  $('bp-batch').onclick = () => traceStep(-1);
  $('bp-prev').onclick = () => { traceAt = Math.max(0, traceAt - 1); renderTrace(); };
  $('bp-next').onclick = () => { traceAt = Math.min(trace.steps.length - 1, traceAt + 1); renderTrace(); };
  $('boundary').onclick = chooseNearest;
  for (const b of document.querySelectorAll('.tab')) b.onclick = () => showTab(b.dataset.tab);
}

// adaptToData picks an output that fits a new data set.
function adaptToData(c) {
  if (c.data === 'regression') c.output = 'mse';
  else if (c.data === 'blobs' && c.output === 'sigmoid-bce') c.output = 'softmax-ce';
  else if (st.config.data === 'regression') c.output = 'sigmoid-bce';
  if (c.data === 'regression' && c.noise < 0.1) c.noise = 0.1;
}

function showTab(name) {
  for (const b of document.querySelectorAll('.tab')) b.classList.toggle('active', b.dataset.tab === name);
  $('tab-network').hidden = name !== 'network';
  $('tab-digits').hidden = name !== 'digits';
  const q = new URLSearchParams(location.search);
  if (name === 'digits') q.set('tab', 'digits'); else q.delete('tab');
  history.replaceState(null, '', location.pathname + '?' + q.toString());
  if (name === 'digits') digitsStatus();
}

// ---------- rendering ----------

const fmt = (v, d = 4) => (v === null || v === undefined ? '—' : Number(v).toPrecision(d));
const pct = (v) => (v === null || v === undefined ? '—' : (100 * v).toFixed(1) + ' %');
const last = (a) => (a && a.length ? a[a.length - 1] : null);

function render() {
  const c = st.config;
  $('play').hidden = st.playing;
  $('pause').hidden = !st.playing;
  $('epochs').textContent = Number(st.epoch).toFixed(2).replace(/\.00$/, '');
  $('steps').textContent = st.steps;
  for (const [id, key] of Object.entries({ rule: 'rule', output: 'output', data: 'data', lr: 'lr', batchsize: 'batch', points: 'points', noise: 'noise', test: 'test', seed: 'seed', classes: 'classes' })) {
    if (document.activeElement !== $(id)) $(id).value = c[key];
  }
  $('classes-label').hidden = c.data !== 'blobs';
  $('points').disabled = c.data === 'csv';
  const h = st.history;
  $('train-loss').textContent = fmt(last(h.trainLoss));
  $('test-loss').textContent = fmt(last(h.testLoss));
  $('train-acc').textContent = st.classes ? pct(last(h.trainAcc)) : 'n/a';
  $('test-acc').textContent = st.classes ? pct(last(h.testAcc)) : 'n/a';
  $('failure').hidden = !st.failure;
  $('failure').textContent = st.failure || '';
  const url = urlOf(c);
  $('link').href = url;
  if (location.search.indexOf('selftest') < 0) history.replaceState(null, '', url);
  renderLayerControls();
  renderNetwork();
  renderBoundary();
  renderLegend();
  renderCharts();
  renderNorms();
}

function renderLayerControls() {
  const c = st.config, L = layout();
  const box = $('layer-controls');
  box.innerHTML = '';
  c.hidden.forEach((w, l) => {
    const d = document.createElement('div');
    d.className = 'layer-control';
    d.innerHTML = `<div><button title="one unit less">−</button><b title="units">${w}</b><button title="one unit more">+</button></div>` +
      `<select title="activation">${['tanh', 'sigmoid', 'relu'].map((a) => `<option value="${a}">${{ tanh: 'TanH', sigmoid: 'σ', relu: 'ReLU' }[a]}</option>`).join('')}</select>`;
    const [minus, plus] = d.querySelectorAll('button');
    minus.onclick = () => configure((c) => { c.hidden[l] = Math.max(1, c.hidden[l] - 1); });
    plus.onclick = () => configure((c) => { c.hidden[l] = Math.min(16, c.hidden[l] + 1); });
    const sel = d.querySelector('select');
    sel.value = c.act[l];
    sel.onchange = () => configure((c) => { c.act[l] = sel.value; });
    d.style.left = (L.pos[l + 1][0].x + L.unit / 2 - 27) + 'px';
    box.appendChild(d);
  });
  if (!c.hidden.length) box.textContent = 'no hidden layer: a linear model (+ layer adds one)';
}

// layout returns the columns of the network diagram: inputs, hidden
// layers, outputs, with each unit's position.
function layout() {
  const c = st.config;
  const inputs = st.classes ? ['x₁', 'x₂'] : ['x'];
  const outs = st.layers[st.layers.length - 1].b.length;
  const cols = [inputs.length, ...c.hidden, outs];
  // Units shrink as columns are added, so that six layers of 16 still fit.
  const W = 460, spacing = (W - 40) / (cols.length - 1 + 0.6);
  const unit = Math.max(18, Math.min(34, Math.floor(spacing * 0.5))), gapY = unit < 30 ? 6 : 8;
  const height = Math.max(...cols.map((n) => n * (unit + gapY))) + 20;
  const xs = cols.map((_, i) => 20 + i * ((W - 40 - unit) / (cols.length - 1)));
  const pos = cols.map((n, i) => {
    const top = (height - n * (unit + gapY) + gapY) / 2;
    return Array.from({ length: n }, (_, j) => ({ x: xs[i], y: top + j * (unit + gapY) }));
  });
  return { cols, pos, unit, W, height, inputs };
}

// moduleOf maps the network's modules to the diagram: Linear layer l is
// module 2l; the activation of hidden layer l is module 2l+1.
function highlighted() {
  if (!trace) return null;
  const s = trace.steps[traceAt];
  return s.module;
}

function renderNetwork() {
  const L = layout();
  const net = $('net');
  net.innerHTML = '';
  net.style.height = L.height + 'px';
  const svgNS = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(svgNS, 'svg');
  svg.setAttribute('width', L.W);
  svg.setAttribute('height', L.height);
  net.appendChild(svg);
  const hi = highlighted();
  st.layers.forEach((layer, l) => {
    let maxAbs = 1e-9;
    for (const row of layer.w) for (const v of row) maxAbs = Math.max(maxAbs, Math.abs(v || 0));
    // The thickest line of a layer: thinner when the layer has many lines.
    const widest = Math.max(1.5, 5 * Math.min(1, 6 / Math.sqrt(layer.w.length * layer.b.length)));
    layer.w.forEach((row, i) => row.forEach((v, j) => {
      const a = L.pos[l][i], b = L.pos[l + 1][j];
      const line = document.createElementNS(svgNS, 'line');
      line.setAttribute('x1', a.x + L.unit); line.setAttribute('y1', a.y + L.unit / 2);
      line.setAttribute('x2', b.x); line.setAttribute('y2', b.y + L.unit / 2);
      line.setAttribute('stroke', v >= 0 ? POSITIVE : NEGATIVE);
      line.setAttribute('stroke-width', 0.5 + widest * Math.abs(v || 0) / maxAbs);
      line.setAttribute('stroke-opacity', hi === null || hi === 2 * l ? 0.75 : 0.2);
      const title = document.createElementNS(svgNS, 'title');
      const text = `layer ${l + 1} (mods[${2 * l}]): W[${i + 1},${j + 1}] = ${fmt(v, 5)}`;
      title.textContent = text;
      line.appendChild(title);
      line.addEventListener('mouseenter', () => { $('hover').textContent = text; });
      svg.appendChild(line);
    }));
  });
  L.pos.forEach((col, ci) => col.forEach((p, j) => {
    const node = document.createElement('div');
    node.className = 'node';
    node.style.left = p.x + 'px';
    node.style.top = p.y + 'px';
    node.style.width = node.style.height = L.unit + 'px';
    const hidden = ci > 0 && ci < L.cols.length - 1;
    if (ci === 0) node.textContent = L.inputs[j];
    else if (!hidden) {
      node.textContent = 'ŷ' + (L.cols[ci] > 1 ? sub(j + 1) : '');
      node.classList.add('out');
    }
    if (hidden) {
      const cv = document.createElement('canvas');
      cv.width = cv.height = L.unit;
      node.appendChild(cv);
      drawUnit(cv, st.view.units[ci - 1][j], st.config.act[ci - 1]);
      const b = st.layers[ci - 1].b[j];
      node.title = `hidden layer ${ci}, unit ${j + 1}: ${st.config.act[ci - 1]}(X·W + b), b[${j + 1}] = ${fmt(b, 5)}`;
      if (hi === 2 * (ci - 1) + 1) node.classList.add('hi');
    }
    node.addEventListener('mouseenter', () => { $('hover').textContent = node.title || node.textContent; });
    net.appendChild(node);
  }));
}

function sub(n) { return String(n).replace(/\d/g, (d) => '₀₁₂₃₄₅₆₇₈₉'[d]); }

// drawUnit draws a hidden unit's output over the plane (or along x).
function drawUnit(cv, values, act) {
  const g = st.view.unitGrid, ctx = cv.getContext('2d');
  let scale = 1;
  if (act === 'relu') scale = Math.max(1e-9, ...values.map((v) => Math.abs(v || 0)));
  const norm = (v) => (act === 'sigmoid' ? 2 * v - 1 : v / scale);
  if (!st.classes) {
    ctx.fillStyle = '#fff'; ctx.fillRect(0, 0, cv.width, cv.height);
    ctx.strokeStyle = POSITIVE; ctx.lineWidth = 1.5; ctx.beginPath();
    values.forEach((v, i) => {
      const x = i / (g - 1) * cv.width, y = (1 - (norm(v) + 1) / 2) * (cv.height - 4) + 2;
      i ? ctx.lineTo(x, y) : ctx.moveTo(x, y);
    });
    ctx.stroke();
    return;
  }
  const img = ctx.createImageData(g, g);
  values.forEach((v, k) => setPixel(img.data, k, norm(v || 0)));
  const small = document.createElement('canvas');
  small.width = small.height = g;
  small.getContext('2d').putImageData(img, 0, 0);
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(small, 0, 0, cv.width, cv.height);
}

// setPixel colours a value in [−1, 1]: orange below 0, blue above.
function setPixel(d, k, v) {
  v = Math.max(-1, Math.min(1, v));
  const c = hex(v >= 0 ? POSITIVE : NEGATIVE), a = Math.abs(v);
  d[4 * k] = 255 + (c[0] - 255) * a;
  d[4 * k + 1] = 255 + (c[1] - 255) * a;
  d[4 * k + 2] = 255 + (c[2] - 255) * a;
  d[4 * k + 3] = 255;
}

function hex(h) { return [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16)); }

// toCanvas maps a point of the data to the boundary canvas.
function toCanvas(cv, x, y) {
  const b = st.view.bounds;
  return [(x - b[0]) / (b[1] - b[0]) * cv.width, (b[3] - y) / (b[3] - b[2]) * cv.height];
}

function renderBoundary() {
  const cv = $('boundary'), ctx = cv.getContext('2d'), v = st.view;
  ctx.clearRect(0, 0, cv.width, cv.height);
  if (st.classes) {
    const g = v.grid, img = ctx.createImageData(g, g);
    v.cls.forEach((k, i) => {
      const c = hex(COLORS[k]), a = 0.65 * (v.conf[i] || 0);
      img.data[4 * i] = 255 + (c[0] - 255) * a;
      img.data[4 * i + 1] = 255 + (c[1] - 255) * a;
      img.data[4 * i + 2] = 255 + (c[2] - 255) * a;
      img.data[4 * i + 3] = 255;
    });
    const small = document.createElement('canvas');
    small.width = small.height = g;
    small.getContext('2d').putImageData(img, 0, 0);
    ctx.imageSmoothingEnabled = true;
    ctx.drawImage(small, 0, 0, cv.width, cv.height);
  } else {
    ctx.fillStyle = '#fafafa'; ctx.fillRect(0, 0, cv.width, cv.height);
  }
  const draw = (rows, test) => rows.forEach((r, i) => {
    const [x, y] = toCanvas(cv, r[0], r[1]);
    ctx.beginPath();
    ctx.arc(x, y, 3.2, 0, 2 * Math.PI);
    const color = st.classes ? COLORS[r[2]] : '#555';
    if (test) { ctx.strokeStyle = color; ctx.lineWidth = 1.6; ctx.fillStyle = '#fff'; ctx.fill(); ctx.stroke(); }
    else { ctx.fillStyle = color; ctx.strokeStyle = '#fff'; ctx.lineWidth = 1; ctx.fill(); ctx.stroke(); }
  });
  draw(pts.train, false);
  draw(pts.test, true);
  if (!st.classes) {
    ctx.strokeStyle = POSITIVE; ctx.lineWidth = 2.5; ctx.beginPath();
    v.curve.forEach((y, i) => {
      const x = v.bounds[0] + i / (v.grid - 1) * (v.bounds[1] - v.bounds[0]);
      const [cx, cy] = toCanvas(cv, x, y);
      i ? ctx.lineTo(cx, cy) : ctx.moveTo(cx, cy);
    });
    ctx.stroke();
  }
  const p = pts.train[chosen];
  if (p) {
    const [x, y] = toCanvas(cv, p[0], p[1]);
    ctx.strokeStyle = '#000'; ctx.lineWidth = 2;
    ctx.beginPath(); ctx.arc(x, y, 7, 0, 2 * Math.PI); ctx.stroke();
  }
  // axes ticks
  ctx.fillStyle = '#666'; ctx.font = '10px sans-serif';
  const b = v.bounds;
  ctx.fillText(fmt(b[0], 2), 2, cv.height - 3);
  ctx.fillText(fmt(b[1], 2), cv.width - 26, cv.height - 3);
  ctx.fillText(fmt(b[3], 2), 2, 10);
}

function renderLegend() {
  const box = $('legend');
  if (!st.classes) { box.textContent = 'points (x, y); the line is the network\'s prediction'; return; }
  box.innerHTML = Array.from({ length: st.classes }, (_, k) => {
    const name = st.classes === 2 && st.config.data !== 'csv' ? (k ? '+1' : '−1') : String(k);
    return `<span><i style="background:${COLORS[k]}"></i>class ${name}</span>`;
  }).join(' ');
}

function chooseNearest(ev) {
  const cv = $('boundary'), r = cv.getBoundingClientRect();
  const mx = (ev.clientX - r.left) * cv.width / r.width, my = (ev.clientY - r.top) * cv.height / r.height;
  let best = 0, bd = Infinity;
  pts.train.forEach((p, i) => {
    const [x, y] = toCanvas(cv, p[0], p[1]);
    const d = (x - mx) ** 2 + (y - my) ** 2;
    if (d < bd) { bd = d; best = i; }
  });
  chosen = best;
  $('bp-chosen').textContent = '#' + chosen;
  renderBoundary();
}

// chart draws series {x, y, color, dash} on a canvas.
function chart(cv, series, opts) {
  const ctx = cv.getContext('2d'), W = cv.width, H = cv.height, pad = 30;
  ctx.clearRect(0, 0, W, H);
  const tr = opts.log ? (v) => Math.log10(v) : (v) => v;
  const usable = (v) => v !== null && (!opts.log || v > 0);
  let xmax = 0, ymin = Infinity, ymax = -Infinity;
  for (const s of series) s.y.forEach((v, i) => {
    if (!usable(v)) return;
    xmax = Math.max(xmax, s.x[i]);
    ymin = Math.min(ymin, tr(v)); ymax = Math.max(ymax, tr(v));
  });
  if (xmax <= 0) xmax = 1;
  if (opts.ymin !== undefined) { ymin = opts.ymin; ymax = opts.ymax; }
  if (!isFinite(ymin)) { ymin = 0; ymax = 1; }
  if (ymax - ymin < 1e-9) { ymin -= 0.5; ymax += 0.5; }
  const X = (x) => pad + x / xmax * (W - pad - 6), Y = (y) => 6 + (1 - (y - ymin) / (ymax - ymin)) * (H - 20);
  ctx.strokeStyle = '#ccc'; ctx.lineWidth = 1;
  ctx.beginPath(); ctx.moveTo(pad, 6); ctx.lineTo(pad, H - 14); ctx.lineTo(W - 6, H - 14); ctx.stroke();
  ctx.fillStyle = '#666'; ctx.font = '10px sans-serif';
  const label = (v) => (opts.log ? fmt(10 ** v, 2) : opts.percent ? (100 * v).toFixed(0) + '%' : fmt(v, 2));
  ctx.fillText(label(ymax), 1, 12);
  ctx.fillText(label(ymin), 1, H - 14);
  ctx.fillText('epoch ' + fmt(xmax, 3), W - 70, H - 2);
  for (const s of series) {
    ctx.strokeStyle = s.color; ctx.lineWidth = 1.6; ctx.setLineDash(s.dash ? [4, 3] : []);
    ctx.beginPath();
    let started = false;
    s.y.forEach((v, i) => {
      if (!usable(v)) { started = false; return; }
      const px = X(s.x[i]), py = Y(tr(v));
      started ? ctx.lineTo(px, py) : ctx.moveTo(px, py);
      started = true;
    });
    ctx.stroke();
  }
  ctx.setLineDash([]);
}

function renderCharts() {
  const h = st.history;
  chart($('loss-chart'), [
    { x: h.epoch, y: h.trainLoss, color: '#333' },
    { x: h.epoch, y: h.testLoss, color: '#333', dash: true },
  ], { log: true });
  $('acc-title').hidden = $('acc-chart').hidden = !st.classes;
  if (st.classes) {
    chart($('acc-chart'), [
      { x: h.epoch, y: h.trainAcc, color: '#0877bd' },
      { x: h.epoch, y: h.testAcc, color: '#0877bd', dash: true },
    ], { ymin: 0, ymax: 1, percent: true });
  }
  const series = [];
  (h.wNorm || []).forEach((w, l) => {
    series.push({ x: h.epoch, y: w, color: COLORS[(l + 1) % COLORS.length] });
    series.push({ x: h.epoch, y: h.gNorm[l], color: COLORS[(l + 1) % COLORS.length], dash: true });
  });
  chart($('norm-chart'), series, { log: true });
}

function renderNorms() {
  const rows = st.layers.map((l, i) => {
    const shape = `${l.w.length}×${l.b.length}`;
    const bar = (v, max) => `<span class="bar" style="width:${Math.round(60 * Math.min(1, (v || 0) / max))}px"></span>`;
    return `<tr><th style="color:${COLORS[(i + 1) % COLORS.length]}">mods[${2 * i}] W ${shape}</th>` +
      `<td>‖W,b‖ ${fmt(l.wNorm, 3)} ${bar(l.wNorm, Math.max(...st.layers.map((x) => x.wNorm || 0)))}</td>` +
      `<td>‖∇‖ ${fmt(l.gNorm, 3)} ${bar(l.gNorm, Math.max(1e-12, ...st.layers.map((x) => x.gNorm || 0)))}</td></tr>`;
  });
  $('norms').innerHTML = rows.join('');
}

// ---------- backprop mode ----------

async function traceStep(point) {
  const t = await guarded(() => sapi('POST', '/backprop', { point }));
  if (!t) return;
  trace = t;
  traceAt = 0;
  renderTrace();
  const s = await guarded(() => sapi('GET', ''));
  if (s) await setState(s);
  renderTrace();
}

function renderTrace() {
  const list = $('bp-steps'), box = $('bp-step');
  $('bp-prev').disabled = !trace || traceAt === 0;
  $('bp-next').disabled = !trace || traceAt === trace.steps.length - 1;
  if (!trace) { list.innerHTML = ''; box.innerHTML = ''; $('bp-counter').textContent = ''; return; }
  $('bp-counter').textContent = `step ${traceAt + 1} of ${trace.steps.length} · ` +
    (trace.mode === 'point' ? `training point #${trace.rows[0]}` : `a batch of ${trace.n} points`);
  list.innerHTML = '';
  trace.steps.forEach((s, i) => {
    const li = document.createElement('li');
    li.textContent = `${String(i + 1).padStart(2)}. ${s.call.split('//')[0].trim()}`;
    li.className = i === traceAt ? 'current' : i < traceAt ? 'done' : '';
    li.onclick = () => { traceAt = i; renderTrace(); };
    list.appendChild(li);
  });
  const s = trace.steps[traceAt];
  box.innerHTML = '';
  const add = (tag, cls, text) => {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    e.textContent = text;
    box.appendChild(e);
    return e;
  };
  add('code', 'bp-call', s.call);
  add('div', 'bp-formula', s.formula);
  if (s.shapes) add('div', 'bp-shapes', 'shapes: ' + s.shapes);
  if (s.lines && s.lines.length) add('pre', 'bp-lines', s.lines.join('\n'));
  const tensors = document.createElement('div');
  tensors.className = 'bp-tensors';
  for (const t of s.tensors || []) tensors.appendChild(tensorTable(t));
  box.appendChild(tensors);
  if (st) renderNetwork();
}

function tensorTable(t) {
  const wrap = document.createElement('div');
  wrap.className = 'tensor';
  const cols = t.shape.length === 2 ? t.shape[1] : t.data.length;
  const rows = Math.ceil(t.data.length / Math.max(cols, 1));
  let html = `<div class="tname">${escapeHTML(t.name)} <span>${t.shape.join('×')}</span></div><table>`;
  for (let r = 0; r < rows; r++) {
    html += '<tr>' + t.data.slice(r * cols, (r + 1) * cols).map((v) => `<td class="${v < 0 ? 'neg' : ''}">${fmt(v, 4)}</td>`).join('') + '</tr>';
  }
  if (t.shape.length === 2 && t.shape[0] > rows) html += `<tr><td colspan="${cols}">… ${t.shape[0] - rows} more rows</td></tr>`;
  wrap.innerHTML = html + '</table>';
  return wrap;
}

function escapeHTML(s) { return s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }[c])); }

// ---------- the digits tab ----------

const pixels = new Array(256).fill(0);
let drawing = false, predictTimer = null, digitsTimer = null, lastPredict = null;

function wireDigits() {
  const cv = $('draw');
  const paint = (ev) => {
    const r = cv.getBoundingClientRect();
    const fx = (ev.clientX - r.left) / r.width * 16, fy = (ev.clientY - r.top) / r.height * 16;
    // A soft round brush of radius 1.2 pixels: USPS strokes are two or three pixels wide.
    for (let i = 0; i < 16; i++) for (let j = 0; j < 16; j++) {
      const d = Math.hypot(j + 0.5 - fx, i + 0.5 - fy);
      const ink = Math.max(0, Math.min(1, 1.6 - d));
      pixels[16 * i + j] = Math.max(pixels[16 * i + j], Math.round(ink * 100) / 100);
    }
    drawGrid();
    schedulePredict();
  };
  cv.addEventListener('pointerdown', (ev) => { drawing = true; cv.setPointerCapture && cv.setPointerCapture(ev.pointerId); paint(ev); });
  cv.addEventListener('pointermove', (ev) => { if (drawing) paint(ev); });
  const stop = () => { if (drawing) { drawing = false; lastPredict = predict(); } };
  cv.addEventListener('pointerup', stop);
  cv.addEventListener('pointerleave', stop);
  $('clear').onclick = () => { pixels.fill(0); drawGrid(); renderProbs(null); drawSeen(null); };
  drawGrid();
  renderProbs(null);
}

function drawGrid() {
  const cv = $('draw'), ctx = cv.getContext('2d'), c = cv.width / 16;
  for (let k = 0; k < 256; k++) {
    const g = Math.round(255 * (1 - pixels[k]));
    ctx.fillStyle = `rgb(${g},${g},${g})`;
    ctx.fillRect((k % 16) * c, Math.floor(k / 16) * c, c, c);
  }
  ctx.strokeStyle = '#ddd'; ctx.lineWidth = 1;
  for (let i = 1; i < 16; i++) {
    ctx.beginPath(); ctx.moveTo(i * c, 0); ctx.lineTo(i * c, cv.height); ctx.stroke();
    ctx.beginPath(); ctx.moveTo(0, i * c); ctx.lineTo(cv.width, i * c); ctx.stroke();
  }
}

function schedulePredict() {
  if (predictTimer) return;
  predictTimer = setTimeout(() => { predictTimer = null; predict(); }, 120);
}

async function predict() {
  try {
    const r = await api('POST', '/api/digits/predict', { pixels });
    drawSeen(r.pixels);
    renderProbs(r.probs);
  } catch (e) {
    renderProbs(null);
    $('digits-status').textContent = e.message;
  }
}

// drawSeen draws the input the server received: 16×16, and the 1×256 row.
function drawSeen(px) {
  const cv = $('seen'), ctx = cv.getContext('2d'), c = cv.width / 16;
  const row = $('seen-row').getContext('2d');
  ctx.fillStyle = '#fff'; ctx.fillRect(0, 0, cv.width, cv.height);
  row.fillStyle = '#fff'; row.fillRect(0, 0, 256, 12);
  if (!px) return;
  px.forEach((v, k) => {
    const g = Math.round(255 * (1 - v));
    ctx.fillStyle = row.fillStyle = `rgb(${g},${g},${g})`;
    ctx.fillRect((k % 16) * c, Math.floor(k / 16) * c, c, c);
    row.fillRect(k, 0, 1, 12);
  });
}

function renderProbs(p) {
  const box = $('probs');
  const best = p ? p.indexOf(Math.max(...p)) : -1;
  box.innerHTML = Array.from({ length: 10 }, (_, d) => {
    const v = p ? p[d] : 0;
    return `<div class="prob${d === best ? ' best' : ''}"><span class="digit">${d}</span>` +
      `<span class="pbar"><span style="width:${(100 * v).toFixed(1)}%"></span></span>` +
      `<span class="pval" data-digit="${d}">${p ? (100 * v).toFixed(1) + ' %' : '—'}</span></div>`;
  }).join('');
}

async function digitsStatus() {
  const s = await guarded(() => api('GET', '/api/digits'));
  if (!s) return s;
  const bar = $('digits-progress');
  bar.hidden = s.state !== 'training';
  bar.firstElementChild.style.width = (100 * s.progress).toFixed(0) + '%';
  $('digits-status').textContent = s.state === 'ready' ? 'Network: ' + s.source
    : s.state === 'training' ? `Training the network on USPS in the background: ${(100 * s.progress).toFixed(0)} %`
      : s.message;
  $('digits-status').className = 'digits-status ' + s.state;
  clearTimeout(digitsTimer);
  if (s.state === 'training') digitsTimer = setTimeout(digitsStatus, 1000);
  return s;
}

// ---------- the self-test (?selftest=xor), read by browser_test.go ----------

async function selftest(kind) {
  const out = { kind, ok: false };
  try {
    if (kind === 'xor' || kind === 'train') {
      let epochs = 0;
      // Each handler returns its request's promise: awaiting it waits for
      // the page to show the answer, whatever the speed of the server.
      while (epochs < 300) {
        await $('epoch').onclick();
        epochs++;
        if (parseFloat($('test-acc').textContent) >= 95) break;
      }
      out.epochs = epochs;
      out.testAcc = $('test-acc').textContent;
      await $('bp-point').onclick();
      $('bp-next').click();
      out.backprop = {
        counter: $('bp-counter').textContent,
        call: document.querySelector('.bp-call').textContent,
        formula: document.querySelector('.bp-formula').textContent,
        line: (document.querySelector('.bp-lines') || {}).textContent || '',
        steps: trace.steps.length,
      };
    }
    if (kind === 'xor' || kind === 'digits') {
      showTab('digits');
      await digitsStatus();
      // A "1": a vertical stroke down the middle, drawn with the pointer.
      const cv = $('draw'), r = cv.getBoundingClientRect();
      const at = (x, y) => ({ clientX: r.left + x * r.width, clientY: r.top + y * r.height, pointerId: 1, bubbles: true });
      cv.dispatchEvent(new PointerEvent('pointerdown', at(0.52, 0.15)));
      for (let i = 1; i <= 20; i++) cv.dispatchEvent(new PointerEvent('pointermove', at(0.52 - 0.04 * i / 20, 0.15 + 0.7 * i / 20)));
      cv.dispatchEvent(new PointerEvent('pointerup', at(0.48, 0.85)));
      await lastPredict;
      out.digits = {
        pixels: pixels.slice(),
        shown: Array.from(document.querySelectorAll('.pval')).map((e) => e.textContent),
        best: (document.querySelector('.prob.best .digit') || {}).textContent,
        status: $('digits-status').textContent,
      };
    }
    out.ok = true;
  } catch (e) {
    out.error = String(e && e.stack || e);
  }
  out.pageError = $('error').hidden ? '' : $('error').textContent;
  const pre = $('selftest-result');
  pre.textContent = JSON.stringify(out);
  document.title = 'selftest done';
}

// ---------- start ----------

wireInputs();
wireDigits();
start().then(() => {
  const q = new URLSearchParams(location.search);
  if (q.get('tab') === 'digits') showTab('digits');
  if (q.has('selftest')) selftest(q.get('selftest'));
}).catch((e) => showError(e.message));
