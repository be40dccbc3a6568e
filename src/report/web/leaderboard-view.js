// The front view: the leaderboard (direction of each window, benchmark, disabled/excluded
// models marked), the comparison chart of the models on the ranking window, health and feeds.
(function () {
  'use strict';

  var CN = window.CN;
  var el = CN.el, $ = CN.$;
  var state = { info: null, entries: [], chartHolder: {} };
  CN.views = CN.views || {};

  var STATUS_ORDER = { active: 0, inactive: 1, disabled: 2, excluded: 3 };

  function rowStatus(entry) {
    return entry.status || (entry.left ? 'inactive' : 'active');
  }

  function trend(entry) {
    if (entry.rank === null) return el('span', 'unranked', 'trend-same');
    if (entry.previous_rank === null) return el('span', 'new', 'trend-new');
    var delta = entry.previous_rank - entry.rank;
    if (delta > 0) return el('span', '▲ ' + delta, 'trend-up');
    if (delta < 0) return el('span', '▼ ' + -delta, 'trend-down');
    return el('span', '=', 'trend-same');
  }

  function modelCell(entry) {
    var wrap = el('span', null, 'model-cell');
    var link = CN.modelLink(entry.model_id, entry.model_name || entry.model_id);
    link.title = entry.model_name + ' (' + entry.model_id + ')';
    wrap.appendChild(link);
    if (CN.isBenchmark(state.info, entry)) wrap.appendChild(CN.benchmarkBadge());
    var badge = CN.statusBadge(rowStatus(entry));
    if (badge) wrap.appendChild(badge);
    return wrap;
  }

  function leaderboardColumns(info) {
    var dir = CN.direction(info.leaderboard.better);
    var rankBy = info.leaderboard.rank_by;
    var columns = [
      { label: 'Rank', csvLabel: 'rank', className: 'num rank', cell: function (e) { return e.rank === null ? '–' : e.rank; }, csv: function (e) { return e.rank; } },
      { label: 'Trend', cell: trend, csv: function (e) { return e.previous_rank; }, csvLabel: 'previous_rank' },
      { label: 'Model', csvLabel: 'model_name', className: 'model-name', cell: modelCell, csv: function (e) { return e.model_name; } },
      { label: 'Model id', csvLabel: 'model_id', className: 'hide-always', cell: function (e) { return e.model_id; }, csv: function (e) { return e.model_id; } },
      { label: 'Cruncher', csvLabel: 'cruncher_name', className: 'hide-narrow', cell: function (e) { return e.cruncher_name; }, csv: function (e) { return e.cruncher_name; } },
      { label: 'Status', csvLabel: 'status', className: 'hide-always', cell: rowStatus, csv: rowStatus },
      { label: 'Benchmark', csvLabel: 'benchmark', className: 'hide-always', cell: function (e) { return CN.isBenchmark(info, e) ? 'yes' : ''; }, csv: function (e) { return CN.isBenchmark(info, e); } },
    ];
    info.scoring.windows.forEach(function (w, i) {
      var ranked = w.name === rankBy;
      columns.push({
        label: w.name + ' (' + CN.formatWindow(w.seconds) + ')' + (dir ? ' ' + dir.arrow : ''),
        csvLabel: 'score_' + w.name,
        title: (dir ? dir.text : 'direction unknown') + (ranked ? '; ranked by this window' : ''),
        // On a phone only the ranked window is shown; the others are a rotation away.
        className: ranked ? 'num' : 'num hide-narrow',
        cell: function (e) {
          var win = e.windows[i];
          var span = el('span', CN.formatScore(win ? win.value : null));
          if (win && win.complete === false) {
            var mark = el('span', '◔', 'partial-mark');
            mark.title = 'partial window' + (win.count !== null ? ' (' + win.count + ' scored predictions)' : '');
            span.appendChild(mark);
          }
          return span;
        },
        csv: function (e) { return e.windows[i] ? e.windows[i].value : null; },
      });
    });
    columns.push({
      label: 'Last prediction', csvLabel: 'last_status',
      cell: function (e) { return el('span', e.last_status || '–', e.last_status ? 'status-' + e.last_status : 'muted'); },
      csv: function (e) { return e.last_status; },
    });
    return columns;
  }

  function renderInfo(info) {
    state.info = info;
    state.columns = leaderboardColumns(info);
    CN.renderHead('leaderboard', state.columns);
    var dir = CN.direction(info.leaderboard.better);
    $('direction-legend').textContent = dir ? dir.arrow + ' ' + dir.text + ' · ' : '';
    var ranked = info.scoring.windows.filter(function (w) { return w.name === info.leaderboard.rank_by; })[0];
    $('comparison-window').textContent = ranked ? '(' + ranked.name + ', ' + CN.formatWindow(ranked.seconds) + (dir ? ', ' + dir.text : '') + ')' : '';
    // The period starts at the ranking window's length (the shortest option covering it).
    if (ranked && !state.periodChosen) {
      var options = Array.prototype.map.call($('period-picker').options, function (o) { return Number(o.value); });
      var fit = options.filter(function (v) { return v >= ranked.seconds; })[0];
      if (fit) $('period-picker').value = String(fit);
    }
    CN.renderHead('health', HEALTH_COLUMNS);
    CN.renderHead('feeds', FEED_COLUMNS);
  }

  function renderLeaderboard(view) {
    state.entries = view.entries;
    $('leaderboard-time').textContent = view.created_at ? 'Leaderboard of ' + CN.formatTime(view.created_at) : 'No leaderboard yet';
    $('leaderboard-empty').hidden = view.entries.length > 0;
    CN.renderTable('leaderboard', state.columns, view.entries, function (tr, e) {
      var status = rowStatus(e);
      tr.dataset.modelId = e.model_id;
      tr.dataset.status = status;
      if (status !== 'active') tr.classList.add('muted-row', 'row-' + status);
      if (CN.isBenchmark(state.info, e)) tr.classList.add('benchmark-row');
    });
  }

  // ----- comparison chart -----

  /** The models to compare: the top N by rank (unranked last), the benchmark always among them. */
  function chartModels() {
    var top = Number($('top-picker').value);
    var ordered = state.entries.slice().sort(function (a, b) {
      return (a.rank || Number.MAX_SAFE_INTEGER) - (b.rank || Number.MAX_SAFE_INTEGER) || (STATUS_ORDER[rowStatus(a)] - STATUS_ORDER[rowStatus(b)]);
    });
    var chosen = top > 0 ? ordered.slice(0, top) : ordered;
    var benchmark = ordered.filter(function (e) { return CN.isBenchmark(state.info, e); })[0];
    if (benchmark && chosen.indexOf(benchmark) === -1) chosen.push(benchmark);
    return chosen;
  }

  function loadComparison() {
    if (!state.info || typeof Chart === 'undefined') return Promise.resolve();
    var models = chartModels();
    var seconds = Number($('period-picker').value);
    var end = Date.now();
    var start = end - seconds * 1000;
    if (models.length === 0) {
      $('comparison-empty').hidden = false;
      CN.drawTimeChart(state.chartHolder, $('comparison-chart'), [], start, end);
      return Promise.resolve();
    }
    // The seed's chart route serves score_recent/steady/anchor; another ranking window falls back to anchor.
    var field = 'score_' + state.info.leaderboard.rank_by;
    var url = '/reports/models/global?projectIds=' + models.map(function (m) { return encodeURIComponent(m.model_id); }).join(',') +
      '&start=' + new Date(start).toISOString() + '&end=' + new Date(end).toISOString();
    return CN.getJson(url).then(function (rows) {
      $('comparison-empty').hidden = rows.length > 0;
      var byModel = {};
      rows.forEach(function (r) {
        var value = r[field] !== undefined ? r[field] : r.score_anchor;
        (byModel[r.model_id] = byModel[r.model_id] || []).push({ x: new Date(r.performed_at).getTime(), y: value });
      });
      var datasets = models.map(function (m, i) {
        var benchmark = CN.isBenchmark(state.info, m);
        var status = rowStatus(m);
        var label = (m.model_name || m.model_id) + (benchmark ? ' (benchmark)' : '') + (status !== 'active' ? ' (' + status + ')' : '');
        var points = (byModel[m.model_id] || []).sort(function (a, b) { return a.x - b.x; });
        return CN.lineDataset(label, points, benchmark ? '#111' : CN.color(i), benchmark ? { borderDash: [6, 4], borderWidth: 3 } : status !== 'active' ? { borderDash: [2, 3] } : {});
      });
      CN.drawTimeChart(state.chartHolder, $('comparison-chart'), datasets, start, end);
    });
  }

  // ----- health + feeds -----

  var HEALTH_COLUMNS = [
    { label: 'Model', className: 'model-name', cell: function (r) { return CN.modelLink(r.model_id, r.model_name || r.model_id); }, csv: function (r) { return r.model_id; }, csvLabel: 'model_id' },
    { label: 'Success', csvLabel: 'SUCCESS', className: 'num', cell: function (r) { return r.counts.SUCCESS; }, csv: function (r) { return r.counts.SUCCESS; } },
    { label: 'Failed', csvLabel: 'FAILED', className: 'num', cell: function (r) { return el('span', r.counts.FAILED, r.counts.FAILED ? 'status-FAILED' : ''); }, csv: function (r) { return r.counts.FAILED; } },
    { label: 'Timeout', csvLabel: 'TIMEOUT', className: 'num', cell: function (r) { return el('span', r.counts.TIMEOUT, r.counts.TIMEOUT ? 'status-TIMEOUT' : ''); }, csv: function (r) { return r.counts.TIMEOUT; } },
    { label: 'Absent', csvLabel: 'ABSENT', className: 'num', cell: function (r) { return el('span', r.counts.ABSENT, r.counts.ABSENT ? 'status-ABSENT' : ''); }, csv: function (r) { return r.counts.ABSENT; } },
    { label: 'p50 ms', csvLabel: 'exec_p50_ms', className: 'num hide-narrow', cell: function (r) { return r.exec_time.p50_ms === null ? '–' : r.exec_time.p50_ms.toFixed(1); }, csv: function (r) { return r.exec_time.p50_ms; } },
    { label: 'p95 ms', csvLabel: 'exec_p95_ms', className: 'num', cell: function (r) { return r.exec_time.p95_ms === null ? '–' : r.exec_time.p95_ms.toFixed(1); }, csv: function (r) { return r.exec_time.p95_ms; } },
    { label: 'Last failure', csvLabel: 'last_failure_reason', className: 'hide-always', cell: function (r) { return r.last_failure_reason; }, csv: function (r) { return r.last_failure_reason; } },
  ];

  function staleAfter() {
    return state.info ? Math.max(state.info.feed.granularity_seconds * 3, 30) : 300;
  }

  var FEED_COLUMNS = [
    { label: 'Source', csvLabel: 'source', className: 'hide-narrow', cell: function (r) { return r.source; }, csv: function (r) { return r.source; } },
    { label: 'Subject', csvLabel: 'subject', cell: function (r) { return r.subject + (r.kind && r.kind !== 'price' ? ' (' + r.kind + ')' : ''); }, csv: function (r) { return r.subject; } },
    { label: 'Newest record', csvLabel: 'newest_ts', cell: function (r) { return CN.formatTime(r.newest_ts); }, csv: function (r) { return r.newest_ts; } },
    {
      label: 'Age', className: 'num', csvLabel: 'age_seconds',
      cell: function (r) {
        var age = r.newest_ts ? (Date.now() - new Date(r.newest_ts).getTime()) / 1000 : Infinity;
        return el('span', CN.formatAge(r.newest_ts), age > staleAfter() ? 'stale' : '');
      },
      csv: function (r) { return r.newest_ts ? Math.round((Date.now() - new Date(r.newest_ts).getTime()) / 1000) : null; },
    },
    { label: 'Records', csvLabel: 'record_count', className: 'num hide-narrow', cell: function (r) { return r.record_count.toLocaleString(); }, csv: function (r) { return r.record_count; } },
  ];

  function renderHealth(rows) {
    CN.renderTable('health', HEALTH_COLUMNS, rows, function (tr, r) { if (r.last_failure_reason) tr.title = 'last failure: ' + r.last_failure_reason; });
  }

  CN.views.leaderboard = {
    setInfo: renderInfo,
    refresh: function () {
      return Promise.all([CN.getJson('/reports/leaderboard/view'), CN.getJson('/reports/models/health'), CN.getJson('/reports/feeds')]).then(function (results) {
        renderLeaderboard(results[0]);
        renderHealth(results[1]);
        CN.renderTable('feeds', FEED_COLUMNS, results[2]);
        return loadComparison();
      });
    },
    start: function (onError) {
      $('top-picker').addEventListener('change', function () { loadComparison().catch(onError); });
      $('period-picker').addEventListener('change', function () { state.periodChosen = true; loadComparison().catch(onError); });
    },
    entries: function () { return state.entries; },
    rowStatus: rowStatus,
  };
})();
