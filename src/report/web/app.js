// Leaderboard page: reads the report API of the same origin and refreshes itself.
// Data from participants (model and cruncher names) is only ever written with textContent.
(function () {
  'use strict';

  var REFRESH_MS = 15000;
  var state = { info: null, windows: [], entries: [], selected: null, chart: null, timer: null };

  function $(id) { return document.getElementById(id); }

  function el(tag, text, className) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (className) node.className = className;
    return node;
  }

  function getJson(url) {
    return fetch(url, { cache: 'no-cache', headers: { Accept: 'application/json' } }).then(function (res) {
      if (!res.ok) {
        return res.text().then(function (body) { throw new Error(url.split('?')[0] + ' answered ' + res.status + ': ' + body.slice(0, 200)); });
      }
      return res.json();
    });
  }

  function formatScore(value) {
    if (value === null || value === undefined) return '–';
    var abs = Math.abs(value);
    if (abs !== 0 && (abs < 0.001 || abs >= 100000)) return value.toExponential(3);
    return value.toFixed(abs >= 100 ? 2 : 4);
  }

  function formatTime(iso) {
    if (!iso) return '–';
    var d = new Date(iso);
    return d.toLocaleString(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit' });
  }

  function formatAge(iso) {
    if (!iso) return '–';
    var seconds = Math.max(0, Math.round((Date.now() - new Date(iso).getTime()) / 1000));
    if (seconds < 120) return seconds + ' s';
    if (seconds < 7200) return Math.round(seconds / 60) + ' min';
    if (seconds < 172800) return Math.round(seconds / 3600) + ' h';
    return Math.round(seconds / 86400) + ' d';
  }

  function formatWindow(seconds) {
    var units = [['d', 86400], ['h', 3600], ['m', 60]];
    for (var i = 0; i < units.length; i++) if (seconds >= units[i][1] && seconds % units[i][1] === 0) return seconds / units[i][1] + units[i][0];
    return seconds + 's';
  }

  function showError(message) {
    var banner = $('error-banner');
    banner.hidden = !message;
    banner.textContent = message || '';
  }

  // ----- competition -----
  function renderInfo(info) {
    state.info = info;
    state.windows = info.scoring.windows;
    document.title = info.name + ' – leaderboard';
    $('competition-name').textContent = info.name;
    $('competition-description').textContent = info.description;
    $('synthetic-banner').hidden = !info.feed.synthetic;
    var head = $('leaderboard-head');
    head.textContent = '';
    head.appendChild(el('th', 'Rank', 'num'));
    head.appendChild(el('th', 'Trend'));
    head.appendChild(el('th', 'Model'));
    head.appendChild(el('th', 'Cruncher', 'hide-narrow'));
    state.windows.forEach(function (w) {
      var ranked = w.name === info.leaderboard.rank_by;
      // On a phone only the ranked window is shown; the others are a rotation away.
      var th = el('th', w.name + ' (' + formatWindow(w.seconds) + ')', ranked ? 'num' : 'num hide-narrow');
      if (ranked) th.title = 'ranked by this window';
      head.appendChild(th);
    });
    head.appendChild(el('th', 'Last prediction'));
  }

  // ----- leaderboard -----
  function trendCell(entry) {
    var td = el('td');
    if (entry.rank === null) { td.appendChild(el('span', 'unranked', 'trend-same')); return td; }
    if (entry.previous_rank === null) { td.appendChild(el('span', 'new', 'trend-new')); return td; }
    var delta = entry.previous_rank - entry.rank;
    if (delta > 0) td.appendChild(el('span', '▲ ' + delta, 'trend-up'));
    else if (delta < 0) td.appendChild(el('span', '▼ ' + -delta, 'trend-down'));
    else td.appendChild(el('span', '=', 'trend-same'));
    return td;
  }

  function renderLeaderboard(view) {
    state.entries = view.entries;
    $('leaderboard-time').textContent = view.created_at ? 'Leaderboard of ' + formatTime(view.created_at) : 'No leaderboard yet';
    $('leaderboard-empty').hidden = view.entries.length > 0;
    var body = $('leaderboard-body');
    body.textContent = '';
    view.entries.forEach(function (entry) {
      var tr = el('tr');
      tr.dataset.modelId = entry.model_id;
      if (entry.left) tr.classList.add('left');
      if (entry.model_id === state.selected) tr.classList.add('selected');
      tr.appendChild(el('td', entry.rank === null ? '–' : entry.rank, 'num rank'));
      tr.appendChild(trendCell(entry));
      var name = el('td', entry.model_name || entry.model_id, 'model-name');
      name.title = entry.model_name + ' (' + entry.model_id + ')';
      tr.appendChild(name);
      tr.appendChild(el('td', entry.cruncher_name, 'hide-narrow'));
      var rankBy = state.info ? state.info.leaderboard.rank_by : null;
      entry.windows.forEach(function (w) {
        var td = el('td', formatScore(w.value), w.name === rankBy ? 'num' : 'num hide-narrow');
        if (w.complete === false) {
          var mark = el('span', '◔', 'partial-mark');
          mark.title = 'partial window' + (w.count !== null ? ' (' + w.count + ' scored predictions)' : '');
          td.appendChild(mark);
        }
        tr.appendChild(td);
      });
      var status = el('td', entry.last_status || '–', entry.last_status ? 'status-' + entry.last_status : 'muted');
      tr.appendChild(status);
      tr.addEventListener('click', function () { selectModel(entry.model_id); });
      body.appendChild(tr);
    });
  }

  // ----- model picker + chart -----
  function renderPicker(models) {
    var picker = $('model-picker');
    var byRank = {};
    state.entries.forEach(function (e) { byRank[e.model_id] = e.rank; });
    models.sort(function (a, b) {
      var ra = byRank[a.model_id] || Number.MAX_SAFE_INTEGER, rb = byRank[b.model_id] || Number.MAX_SAFE_INTEGER;
      return ra - rb || (a.model_name < b.model_name ? -1 : a.model_name > b.model_name ? 1 : 0);
    });
    picker.textContent = '';
    models.forEach(function (m) {
      var option = el('option', (m.model_name || m.model_id) + (m.cruncher_name ? ' · ' + m.cruncher_name : ''));
      option.value = m.model_id;
      picker.appendChild(option);
    });
    if (!state.selected && models.length) state.selected = models[0].model_id;
    if (state.selected) picker.value = state.selected;
  }

  function selectModel(modelId) {
    state.selected = modelId;
    $('model-picker').value = modelId;
    Array.prototype.forEach.call(document.querySelectorAll('#leaderboard-body tr'), function (tr) {
      tr.classList.toggle('selected', tr.dataset.modelId === modelId);
    });
    loadHistory();
  }

  var COLORS = ['#2f5bd3', '#d35f2f', '#1a7f37', '#8e44ad', '#b8860b'];

  function loadHistory() {
    if (!state.selected || typeof Chart === 'undefined') return Promise.resolve();
    var seconds = Number($('period-picker').value);
    var end = new Date();
    var start = new Date(end.getTime() - seconds * 1000);
    var url = '/reports/models/global?projectIds=' + encodeURIComponent(state.selected) + '&start=' + start.toISOString() + '&end=' + end.toISOString();
    return getJson(url).then(function (rows) {
      $('history-empty').hidden = rows.length > 0;
      var datasets = ['recent', 'steady', 'anchor'].map(function (name, i) {
        return {
          label: name,
          data: rows.map(function (r) { return { x: new Date(r.performed_at).getTime(), y: r['score_' + name] }; }),
          borderColor: COLORS[i], backgroundColor: COLORS[i], pointRadius: rows.length > 60 ? 0 : 2, borderWidth: 2, spanGaps: true, tension: 0.15,
        };
      });
      drawChart(datasets);
    });
  }

  function drawChart(datasets) {
    if (state.chart) {
      state.chart.data.datasets = datasets;
      state.chart.update('none');
      return;
    }
    state.chart = new Chart($('history-chart'), {
      type: 'line',
      data: { datasets: datasets },
      options: {
        animation: false, responsive: true, maintainAspectRatio: false, parsing: false, normalized: true,
        interaction: { mode: 'nearest', intersect: false },
        scales: {
          x: { type: 'linear', ticks: { maxTicksLimit: 8, callback: function (v) { return new Date(v).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' }); } } },
          y: { ticks: { callback: function (v) { return formatScore(v); } } },
        },
        plugins: { tooltip: { callbacks: { title: function (items) { return items.length ? formatTime(new Date(items[0].parsed.x).toISOString()) : ''; } } } },
      },
    });
  }

  // ----- health + feeds -----
  function renderHealth(rows) {
    var body = $('health-body');
    body.textContent = '';
    rows.forEach(function (r) {
      var tr = el('tr');
      tr.appendChild(el('td', r.model_name || r.model_id, 'model-name'));
      tr.appendChild(el('td', r.counts.SUCCESS, 'num'));
      tr.appendChild(el('td', r.counts.FAILED, 'num' + (r.counts.FAILED ? ' status-FAILED' : '')));
      tr.appendChild(el('td', r.counts.TIMEOUT, 'num' + (r.counts.TIMEOUT ? ' status-TIMEOUT' : '')));
      tr.appendChild(el('td', r.counts.ABSENT, 'num' + (r.counts.ABSENT ? ' status-ABSENT' : '')));
      tr.appendChild(el('td', r.exec_time.p50_ms === null ? '–' : r.exec_time.p50_ms.toFixed(1), 'num hide-narrow'));
      tr.appendChild(el('td', r.exec_time.p95_ms === null ? '–' : r.exec_time.p95_ms.toFixed(1), 'num'));
      if (r.last_failure_reason) tr.title = 'last failure: ' + r.last_failure_reason;
      tr.addEventListener('click', function () { selectModel(r.model_id); });
      body.appendChild(tr);
    });
  }

  function renderFeeds(rows) {
    var body = $('feeds-body');
    body.textContent = '';
    var staleAfter = state.info ? Math.max(state.info.feed.granularity_seconds * 3, 30) : 300;
    rows.forEach(function (r) {
      var tr = el('tr');
      tr.appendChild(el('td', r.source, 'hide-narrow'));
      tr.appendChild(el('td', r.subject + (r.kind && r.kind !== 'price' ? ' (' + r.kind + ')' : '')));
      tr.appendChild(el('td', formatTime(r.newest_ts)));
      var ageSeconds = r.newest_ts ? (Date.now() - new Date(r.newest_ts).getTime()) / 1000 : Infinity;
      tr.appendChild(el('td', formatAge(r.newest_ts), 'num' + (ageSeconds > staleAfter ? ' stale' : '')));
      tr.appendChild(el('td', r.record_count.toLocaleString(), 'num hide-narrow'));
      body.appendChild(tr);
    });
  }

  // ----- refresh loop -----
  function refresh() {
    $('refresh-state').textContent = 'refreshing…';
    return Promise.all([getJson('/reports/leaderboard/view'), getJson('/reports/models'), getJson('/reports/models/health'), getJson('/reports/feeds')])
      .then(function (results) {
        renderLeaderboard(results[0]);
        renderPicker(results[1]);
        renderHealth(results[2]);
        renderFeeds(results[3]);
        return loadHistory();
      })
      .then(function () {
        showError('');
        $('refresh-state').textContent = 'updated ' + new Date().toLocaleTimeString();
      })
      .catch(function (err) {
        $('refresh-state').textContent = '';
        showError('Could not refresh: ' + err.message);
      });
  }

  function start() {
    $('model-picker').addEventListener('change', function (e) { selectModel(e.target.value); });
    $('period-picker').addEventListener('change', function () { loadHistory().catch(function (err) { showError(err.message); }); });
    getJson('/info')
      .then(renderInfo)
      .then(refresh)
      .catch(function (err) { showError('Could not load the competition: ' + err.message); });
    state.timer = setInterval(function () { if (!document.hidden) refresh(); }, REFRESH_MS);
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
