/* routing_report.html's script. Names are data: every name is inserted with textContent
   (never innerHTML) and handed to Plotly with &, <, > as entities, which Plotly shows as text.
   <html data-report> becomes "ok" once everything rendered and no error fired. */
(function () {
  'use strict';
  var root = document.documentElement;
  var failed = false;
  window.addEventListener('error', function () { failed = true; root.setAttribute('data-report', 'error'); });

  var D = JSON.parse(document.getElementById('report-data').textContent);
  var ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
  var ROUTE_COLORS = ['#1b9e77', '#3b75af', '#8e6bbf', '#e6a23c', '#cf5b5b'];
  var ROUTE_LABELS = {
    ROUTE_BOTH: 'Both', ROUTE_CROSS_SECTIONAL: 'Cross-sectional', ROUTE_SYMBOL_SPECIFIC: 'Symbol-specific',
    ROUTE_EXPERIMENTAL_ONLY: 'Experimental only', ROUTE_BLOCKED: 'Blocked'
  };
  var FLAG_COLORS = { DIVERGED: '#cf5b5b', DRIFTING: '#e6a23c', UNKNOWN: '#9aa1ad', STABLE: '#1b9e77' };
  var TABLE_ROWS = 300;
  var PLOT_CONFIG = { displaylogo: false, responsive: true, modeBarButtonsToRemove: ['select2d', 'lasso2d'] };
  var FONT = { family: 'system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif', size: 12, color: '#1f2430' };

  // ---------- helpers ----------
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }
  function byId(id) { return document.getElementById(id); }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); return node; }
  function plotText(s) { // Plotly reads a small HTML subset in labels: entities make it literal text
    return String(s).replace(/&/g, '&amp;').replace(/[<]/g, '&lt;').replace(/[>]/g, '&gt;');
  }
  function shortName(s, n) { s = String(s); return s.length > n ? s.slice(0, n - 1) + '…' : s; }
  function fmt(x, digits) {
    if (x === null || x === undefined) return '—';
    if (typeof x === 'number') return digits === undefined ? x.toLocaleString('en-US') : x.toFixed(digits);
    return String(x);
  }
  function num(x) { return x === null || x === undefined ? '—' : String(Number(Number(x).toFixed(4))); }
  function routeLabel(r) { return r ? (ROUTE_LABELS[r] || r) : '—'; }
  function routeBadge(route) {
    var b = el('span', 'badge route', routeLabel(route));
    var i = D.routes.indexOf(route);
    b.style.background = i >= 0 && i < ROUTE_COLORS.length ? ROUTE_COLORS[i] : '#9aa1ad';
    return b;
  }
  function classBadge(prefix, value) {
    var b = el('span', 'badge', value === null || value === undefined ? '—' : value);
    if (value) b.classList.add(prefix + String(value).replace(/[^A-Z_]/g, ''));
    return b;
  }
  function reasonText(code) { return D.reasonText[code] || code; }
  function table(columns, rows, cell) {
    var t = el('table', 'data');
    var head = el('tr');
    columns.forEach(function (c) { head.appendChild(el('th', null, c)); });
    t.appendChild(el('thead')).appendChild(head);
    var body = t.appendChild(el('tbody'));
    rows.forEach(function (row) {
      var tr = body.appendChild(el('tr'));
      columns.forEach(function (c, i) {
        var td = tr.appendChild(el('td'));
        var v = cell(row, i, td);
        if (v instanceof Node) td.appendChild(v); else td.textContent = v === null || v === undefined ? '—' : String(v);
      });
    });
    return t;
  }
  function capped(container, rows, total, columns, cell, what) {
    clear(container);
    if (!rows.length) { container.appendChild(el('div', 'empty', 'No ' + what + ' match the filters.')); return; }
    var shown = rows.slice(0, TABLE_ROWS);
    if (total > shown.length) {
      container.appendChild(el('p', 'note', 'Showing ' + shown.length.toLocaleString('en-US') + ' of ' +
        total.toLocaleString('en-US') + ' ' + what + '. Narrow the filters to see others.'));
    }
    container.appendChild(table(columns, shown, cell));
  }
  function decode(column, t, s) {
    var ch = D.cells[column][t].charAt(s);
    if (ch === '.' || ch === '') return null;
    var v = D.dictionaries[column][ALPHABET.indexOf(ch)];
    return v === '' ? null : v;
  }
  function scoreAt(t, s) { var v = D.cells.score[t][s]; return v === null ? null : v / D.scoreScale; }

  // ---------- filters ----------
  var state = { targets: [], symbols: [], tq: '', sq: '', pinned: null };
  function matches(name, q) { return !q || String(name).toLowerCase().indexOf(q) >= 0; }
  function applyFilters() {
    state.tq = byId('f-target').value.trim().toLowerCase();
    state.sq = byId('f-symbol').value.trim().toLowerCase();
    state.targets = []; state.symbols = [];
    D.targets.forEach(function (t, i) { if (matches(t.name, state.tq)) state.targets.push(i); });
    D.symbols.forEach(function (s, i) { if (matches(s, state.sq)) state.symbols.push(i); });
    byId('f-count').textContent = state.targets.length + ' of ' + D.targets.length + ' targets · ' +
      state.symbols.length + ' of ' + D.symbols.length + ' symbols';
  }

  // ---------- header ----------
  function renderHeader() {
    var meta = byId('meta');
    [['plan', D.meta.plan_id], ['generated', D.meta.generated_at],
     ['config', D.meta.config_hash ? String(D.meta.config_hash).slice(0, 12) : null],
     ['inputs', D.meta.inputs_hash ? String(D.meta.inputs_hash).slice(0, 12) : null],
     ['router', D.meta.router_version]].forEach(function (p) {
      if (p[1] === null || p[1] === undefined) return;
      var span = meta.appendChild(el('span', null, p[0] + ' '));
      span.appendChild(el('b', null, p[1]));
    });
    if (D.meta.plan_id) document.title = 'Routing report · plan ' + D.meta.plan_id;
    var totals = D.routes.map(function () { return 0; });
    D.targets.forEach(function (t) { t.counts.forEach(function (n, i) { totals[i] += n || 0; }); });
    var decisions = totals.reduce(function (a, b) { return a + b; }, 0);
    var cards = byId('cards');
    function card(n, label, color) {
      var c = cards.appendChild(el('div', 'card'));
      c.appendChild(el('span', 'n', n.toLocaleString('en-US')));
      var l = c.appendChild(el('span', 'l'));
      if (color) { var sw = l.appendChild(el('span', 'swatch')); sw.style.background = color; }
      l.appendChild(document.createTextNode(label));
    }
    card(D.targets.length, 'targets'); card(D.symbols.length, 'symbols'); card(decisions, 'decisions');
    D.routes.forEach(function (r, i) { card(totals[i], routeLabel(r), ROUTE_COLORS[i]); });
    var legend = byId('legend');
    D.routes.forEach(function (r, i) {
      var s = legend.appendChild(el('span'));
      s.appendChild(el('span', 'swatch')).style.background = ROUTE_COLORS[i];
      s.appendChild(document.createTextNode(routeLabel(r)));
    });
    var none = legend.appendChild(el('span'));
    var sw = none.appendChild(el('span', 'swatch')); sw.style.background = '#ffffff'; sw.style.border = '1px solid #cfd4dc';
    none.appendChild(document.createTextNode('no decision'));
  }

  // ---------- route map ----------
  function routeColorscale() {
    var n = ROUTE_COLORS.length, scale = [];
    ROUTE_COLORS.forEach(function (c, i) { scale.push([i / n, c], [(i + 1) / n, c]); });
    return scale;
  }
  function renderMap() {
    var rows = state.targets, cols = state.symbols;
    var z = rows.map(function (t) {
      var line = D.cells.route[t], out = new Array(cols.length);
      for (var j = 0; j < cols.length; j++) {
        var ch = line.charAt(cols[j]);
        out[j] = ch === '.' ? null : ALPHABET.indexOf(ch);
      }
      return out;
    });
    var showX = cols.length <= 60, showY = rows.length <= 80;
    var height = Math.max(180, Math.min(760, rows.length * (rows.length > 80 ? 3 : 24) + 120));
    var trace = {
      type: 'heatmap', z: z, x: cols.map(function (_, j) { return j; }), y: rows.map(function (_, i) { return i; }),
      zmin: 0, zmax: ROUTE_COLORS.length, colorscale: routeColorscale(), showscale: false, hoverinfo: 'none',
      xgap: cols.length <= 120 ? 1 : 0, ygap: rows.length <= 120 ? 1 : 0
    };
    var layout = {
      height: height, margin: { l: showY ? 210 : 60, r: 10, t: 10, b: showX ? 70 : 40 }, font: FONT,
      paper_bgcolor: '#ffffff', plot_bgcolor: '#ffffff', dragmode: 'zoom',
      xaxis: {
        tickmode: 'array', tickvals: showX ? cols.map(function (_, j) { return j; }) : [],
        ticktext: showX ? cols.map(function (s) { return plotText(shortName(D.symbols[s], 18)); }) : [],
        tickangle: -45, showgrid: false, zeroline: false, fixedrange: false,
        title: showX ? undefined : { text: plotText(cols.length.toLocaleString('en-US') + ' symbols, most often usable first →'), font: { size: 12, color: '#6b7280' } }
      },
      yaxis: {
        autorange: 'reversed', tickmode: 'array', tickvals: showY ? rows.map(function (_, i) { return i; }) : [],
        ticktext: showY ? rows.map(function (t) { return plotText(shortName(D.targets[t].name, 30)); }) : [],
        showgrid: false, zeroline: false,
        title: showY ? undefined : { text: plotText(rows.length.toLocaleString('en-US') + ' targets ↓'), font: { size: 12, color: '#6b7280' } }
      }
    };
    var map = byId('map');
    if (!rows.length || !cols.length) {
      Plotly.purge(map); clear(map).appendChild(el('div', 'empty', 'No pair matches the filters.'));
      return Promise.resolve();
    }
    if (map.firstChild && !map.classList.contains('js-plotly-plot')) clear(map);
    return Plotly.react(map, [trace], layout, PLOT_CONFIG).then(function () {
      if (!map.__hooked) {
        map.__hooked = true;
        map.on('plotly_hover', function (e) { if (!state.pinned) showPair(pairOf(e)); });
        map.on('plotly_click', function (e) {
          var p = pairOf(e);
          state.pinned = state.pinned && p && state.pinned[0] === p[0] && state.pinned[1] === p[1] ? null : p;
          showPair(p);
        });
      }
      if (rows.length === 1 && cols.length === 1) showPair([rows[0], cols[0]]);
    });
  }
  function pairOf(e) {
    var p = e && e.points && e.points[0];
    if (!p) return null;
    var t = state.targets[Math.round(p.y)], s = state.symbols[Math.round(p.x)];
    return t === undefined || s === undefined ? null : [t, s];
  }
  function kv(tbody, key, value) {
    var tr = tbody.appendChild(el('tr'));
    tr.appendChild(el('th', null, key));
    var td = tr.appendChild(el('td'));
    if (value instanceof Node) td.appendChild(value); else td.textContent = value === null || value === undefined ? '—' : String(value);
  }
  function vsThresholds(score, pairs) {
    if (score === null || score === undefined) return '—';
    return fmt(score, 4) + '  (' + pairs.filter(function (p) { return p[1] !== null && p[1] !== undefined; })
      .map(function (p) { return p[0] + ' ' + num(p[1]); }).join(', ') + ')';
  }
  function showPair(pair) {
    var box = clear(byId('detail'));
    if (!pair) { box.appendChild(el('p', 'muted', 'Hover a cell of the map.')); return; }
    var t = pair[0], s = pair[1], T = D.targets[t], route = decode('route', t, s);
    if (state.pinned) box.appendChild(el('span', 'pin', 'pinned · click again to release'));
    box.appendChild(el('h3', null, D.symbols[s]));
    box.appendChild(el('div', 'sub', T.name));
    if (!route) { box.appendChild(el('p', 'muted', 'No decision for this pair (the symbol has no metrics for this target).')); return; }
    box.appendChild(routeBadge(route));
    var cs = el('table'), csb = cs.appendChild(el('tbody'));
    box.appendChild(el('div', 'sub', 'Cross-sectional lane (the target)')).style.marginTop = '10px';
    kv(csb, 'state', classBadge('state-', T.cs_state));
    kv(csb, 'score', vsThresholds(T.cs_score, [['min', T.cs_min_score], ['strong', T.cs_strong_score]]));
    kv(csb, 'sample', fmt(T.cs_sample_size) + (T.cs_min_sample_size ? '  (min ' + fmt(T.cs_min_sample_size) + ')' : ''));
    kv(csb, 'stability', T.cs_stability);
    kv(csb, 'leakage', T.target_leakage_status);
    box.appendChild(cs);
    var lo = el('table'), lob = lo.appendChild(el('tbody'));
    box.appendChild(el('div', 'sub', 'Local lane (this symbol)'));
    kv(lob, 'state', classBadge('state-', decode('local_state', t, s)));
    kv(lob, 'score', vsThresholds(scoreAt(t, s), [['min', T.local_min_score], ['strong', T.local_strong_score],
      ['experimental', T.experimental_min_score]]));
    var sample = D.cells.sample[t][s];
    kv(lob, 'sample', fmt(sample) + (T.local_min_sample_size ? '  (min ' + fmt(T.local_min_sample_size) + ')' : ''));
    kv(lob, 'families ok', decode('local_successful_families', t, s));
    kv(lob, 'stability', decode('local_stability', t, s));
    kv(lob, 'leakage', decode('symbol_leakage_status', t, s));
    D.experimentalRank.forEach(function (r) { if (r[0] === t && r[1] === s) kv(lob, 'experimental rank', r[2]); });
    box.appendChild(lo);
    box.appendChild(el('div', 'sub', 'Reasons'));
    var ul = box.appendChild(el('ul'));
    var combo = D.cells.reasons[t][s];
    (combo === null || combo < 0 ? [] : D.reasonCombos[combo]).forEach(function (code) {
      var li = ul.appendChild(el('li', null, reasonText(code) + ' '));
      li.appendChild(el('span', 'muted', '(' + code + ')'));
    });
  }

  // ---------- per target ----------
  function renderTargets() {
    var rows = state.targets;
    var traces = D.routes.map(function (r, i) {
      return {
        type: 'bar', orientation: 'h', name: plotText(routeLabel(r)), marker: { color: ROUTE_COLORS[i] },
        y: rows.map(function (_, k) { return k; }), x: rows.map(function (t) { return D.targets[t].counts[i] || 0; }),
        hovertemplate: '%{x}<extra>' + plotText(routeLabel(r)) + '</extra>'
      };
    });
    var layout = {
      barmode: 'stack', height: Math.max(160, rows.length * 20 + 70), font: FONT, bargap: 0.25,
      margin: { l: 230, r: 20, t: 36, b: 36 }, legend: { orientation: 'h', yref: 'container', y: 1, yanchor: 'top', x: 0, traceorder: 'normal' },
      xaxis: { title: { text: 'pairs' }, gridcolor: '#eef0f3', fixedrange: true },
      yaxis: { autorange: 'reversed', tickmode: 'array', tickvals: rows.map(function (_, k) { return k; }),
        ticktext: rows.map(function (t) { return plotText(shortName(D.targets[t].name, 32)); }), fixedrange: true },
      paper_bgcolor: '#ffffff', plot_bgcolor: '#ffffff'
    };
    var bars = byId('bars');
    var drawn = rows.length ? Plotly.react(bars, traces, layout, PLOT_CONFIG) : Promise.resolve(Plotly.purge(bars));
    var SHORT = { ROUTE_BOTH: 'Both', ROUTE_CROSS_SECTIONAL: 'CS', ROUTE_SYMBOL_SPECIFIC: 'Symbol',
      ROUTE_EXPERIMENTAL_ONLY: 'Exp.', ROUTE_BLOCKED: 'Blocked' };
    var columns = ['Target', 'CS state', 'CS route', 'CS score', 'CS stability', 'Leakage', 'Why'].concat(
      D.routes.map(function (r) { return SHORT[r] || r; }));
    capped(byId('targets-table'), rows, rows.length, columns, function (t, i, td) {
      var T = D.targets[t];
      switch (i) {
        case 0: td.className = 'name'; td.setAttribute('data-target', T.name); return T.name;
        case 1: return classBadge('state-', T.cs_state);
        case 2: return T.cs_route;
        case 3: td.className = 'num'; return fmt(T.cs_score, 3);
        case 4: return T.cs_stability;
        case 5: return T.target_leakage_status;
        case 6: td.className = 'why'; return [T.cs_reason].concat((T.cs_reason_codes || []).map(reasonText)).filter(function (v, k, all) { return v && all.indexOf(v) === k; }).join(' · ');
        default: td.className = 'num'; return fmt(T.counts[i - 7] || 0);
      }
    }, 'targets');
    return drawn;
  }

  // ---------- stability ----------
  function renderStability() {
    var S = D.stability;
    var rows = S.rows.filter(function (r) { return matches(r.target, state.tq) && (matches(r.universe, state.sq) || r.universe === 'ALL'); });
    var cats = ['DIVERGED', 'DRIFTING', 'UNKNOWN', 'STABLE'];
    var traces = cats.map(function (c) {
      var pts = rows.filter(function (r) { return r.category === c && r.mean_overlap !== null && r.mean_tau !== null; });
      return {
        type: 'scatter', mode: 'markers', name: c, marker: { color: FLAG_COLORS[c], size: 9, opacity: 0.85, line: { width: 1, color: '#fff' } },
        x: pts.map(function (r) { return r.mean_overlap; }), y: pts.map(function (r) { return r.mean_tau; }),
        text: pts.map(function (r) { return plotText(shortName(r.target, 40) + ' · ' + shortName(r.universe, 24)); }),
        hovertemplate: '%{text}<br>overlap %{x:.3f} · τ %{y:.3f}<extra>' + c + '</extra>'
      };
    });
    var k = S.classification || {}, shapes = [];
    function vline(x, dash) { if (typeof x === 'number') shapes.push({ type: 'line', x0: x, x1: x, y0: 0, y1: 1, yref: 'paper', line: { color: '#9aa1ad', width: 1, dash: dash } }); }
    function hline(y, dash) { if (typeof y === 'number') shapes.push({ type: 'line', y0: y, y1: y, x0: 0, x1: 1, xref: 'paper', line: { color: '#9aa1ad', width: 1, dash: dash } }); }
    vline(k.stable_overlap_min, 'solid'); vline(k.drifting_overlap_min, 'dot'); hline(k.stable_tau_min, 'solid'); hline(k.drifting_tau_min, 'dot');
    var layout = {
      height: 340, font: FONT, margin: { l: 60, r: 10, t: 10, b: 50 }, shapes: shapes,
      xaxis: { title: { text: 'mean top-k overlap' }, range: [-0.02, 1.02], gridcolor: '#eef0f3', zeroline: false },
      yaxis: { title: { text: 'mean Kendall τ' }, range: [-1.02, 1.02], gridcolor: '#eef0f3', zeroline: false },
      legend: { orientation: 'h', y: 1.02, yanchor: 'bottom' }, paper_bgcolor: '#ffffff', plot_bgcolor: '#ffffff'
    };
    var chart = byId('stab-chart'), drawn = Promise.resolve();
    if (!S.total) {
      clear(chart).appendChild(el('div', 'empty', 'No stability snapshots in the inputs.'));
    } else {
      drawn = Plotly.react(chart, traces, layout, PLOT_CONFIG);
    }
    var counts = clear(byId('stab-counts'));
    cats.forEach(function (c) {
      var row = counts.appendChild(el('div'));
      row.appendChild(classBadge('flag-', c));
      row.appendChild(el('b', null, fmt(S.counts[c] || 0)));
    });
    counts.appendChild(el('div', 'muted', 'solid lines: stable minimums; dotted: drifting minimums'));
    if (S.total > S.rows.length) counts.appendChild(el('div', 'note', 'The page holds the first ' + S.rows.length + ' of ' + S.total + ' universes, worst first.'));
    capped(byId('stab-table'), rows, rows.length, ['Target', 'Universe', 'Snapshots', 'Overlap', 'Kendall τ', 'Flag'], function (r, i, td) {
      switch (i) {
        case 0: td.className = 'name'; return r.target;
        case 1: td.className = 'name'; return r.universe;
        case 2: td.className = 'num'; return fmt(r.n_snapshots);
        case 3: td.className = 'num'; return r.mean_overlap === null ? '—' : fmt(r.mean_overlap, 3) + ' ± ' + fmt(r.std_overlap, 3);
        case 4: td.className = 'num'; return r.mean_tau === null ? '—' : fmt(r.mean_tau, 3) + ' ± ' + fmt(r.std_tau, 3);
        default: return classBadge('flag-', r.category);
      }
    }, 'universes');
    return drawn;
  }

  // ---------- near misses ----------
  function renderNearMisses() {
    var N = D.nearMisses;
    byId('near-hint').textContent = 'scores within ' + N.distance + ' of a threshold of their lane (' +
      N.total.toLocaleString('en-US') + ' in the plan' + (N.total > N.rows.length ? ', the closest ' + N.rows.length + ' kept' : '') + ')';
    var rows = N.rows.filter(function (r) { return matches(r.target, state.tq) && (r.symbol === null || matches(r.symbol, state.sq)); });
    capped(byId('near-table'), rows, rows.length, ['Target', 'Symbol', 'Lane', 'Score', 'Threshold', 'Distance', 'Route'], function (r, i, td) {
      switch (i) {
        case 0: td.className = 'name'; return r.target;
        case 1: td.className = 'name'; return r.symbol === null ? '(all symbols, pooled)' : r.symbol;
        case 2: return r.lane;
        case 3: td.className = 'num'; return fmt(r.score, 4);
        case 4: return r.threshold_name + ' = ' + num(r.threshold);
        case 5: td.className = 'num ' + (r.distance < 0 ? 'neg' : 'pos'); return (r.distance >= 0 ? '+' : '') + fmt(r.distance, 4);
        default: return r.route ? routeBadge(r.route) : '—';
      }
    }, 'near misses');
  }

  // ---------- changes ----------
  function renderChanges() {
    var box = clear(byId('changes')), C = D.changes;
    if (!C) { box.appendChild(el('div', 'empty', 'No previous plan: nothing to compare with.')); return; }
    var head = box.appendChild(el('p', null, C.total.toLocaleString('en-US') + ' pair(s) changed route' +
      (C.previous_plan_id ? ' since plan ' + C.previous_plan_id : '') + '.'));
    head.className = 'note';
    var chips = box.appendChild(el('div', 'chips'));
    C.summary.forEach(function (s) {
      chips.appendChild(el('span', 'chip', routeLabel(s.route_before) + ' → ' + routeLabel(s.route_after) + ': ' + s.n.toLocaleString('en-US')));
    });
    var rows = C.rows.filter(function (r) { return matches(r.target, state.tq) && matches(r.symbol, state.sq); });
    var wrap = box.appendChild(el('div', 'table-wrap'));
    capped(wrap, rows, rows.length, ['Target', 'Symbol', 'Before', 'After', 'Reasons before', 'Reasons after'], function (r, i, td) {
      switch (i) {
        case 0: td.className = 'name'; return r.target;
        case 1: td.className = 'name'; return r.symbol;
        case 2: return r.route_before ? routeBadge(r.route_before) : '(appeared)';
        case 3: return r.route_after ? routeBadge(r.route_after) : '(disappeared)';
        case 4: return (r.reason_codes_before || []).map(reasonText).join(' · ');
        default: return (r.reason_codes_after || []).map(reasonText).join(' · ');
      }
    }, 'changes');
  }

  function renderAll() {
    applyFilters();
    var pending = [renderMap(), renderTargets(), renderStability()];
    renderNearMisses(); renderChanges();
    return Promise.all(pending);
  }

  var timer = null;
  function onFilter() { clearTimeout(timer); timer = setTimeout(renderAll, 200); }
  // a link can carry the filters: routing_report.html#target=<text>&symbol=<text>
  var linked = new URLSearchParams(window.location.hash.slice(1));
  byId('f-target').value = linked.get('target') || '';
  byId('f-symbol').value = linked.get('symbol') || '';
  byId('f-target').addEventListener('input', onFilter);
  byId('f-symbol').addEventListener('input', onFilter);
  byId('footer').textContent = 'Generated by the training router. Self-contained: opens without a network connection.';
  renderHeader();
  renderAll().then(function () {
    root.setAttribute('data-render-ms', String(Math.round(performance.now())));
    if (!failed) root.setAttribute('data-report', 'ok');
  }, function (err) {
    failed = true; root.setAttribute('data-report', 'error');
    throw err;
  });
}());
