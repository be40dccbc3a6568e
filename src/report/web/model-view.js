// The model page (#/models/<id>): its scores per parameter set and window, its success rate
// over its recent rounds, its last predictions, and its rewards from the checkpoints.
(function () {
  'use strict';

  var CN = window.CN;
  var el = CN.el, $ = CN.$;
  var state = { info: null, modelId: null, chartHolder: {} };
  CN.views = CN.views || {};

  /** Checkpoints read for a model's rewards (each is one request): the newest ones. */
  var REWARD_CHECKPOINTS = 10;
  /** Rounds behind the success-rate chart, and the points it draws. */
  var RATE_ROUNDS = 500;
  var RATE_BUCKETS = 24;

  function renderHeader(modelId, models, entries) {
    var model = models.filter(function (m) { return m.model_id === modelId; })[0];
    var entry = entries.filter(function (e) { return e.model_id === modelId; })[0];
    $('model-missing').hidden = !!(model || entry);
    var name = (model && model.model_name) || (entry && entry.model_name) || modelId;
    var title = $('model-title');
    title.textContent = name;
    if (entry && CN.isBenchmark(state.info, entry)) title.appendChild(CN.benchmarkBadge());
    var status = entry ? CN.views.leaderboard.rowStatus(entry) : 'active';
    var badge = CN.statusBadge(status);
    if (badge) title.appendChild(badge);
    var parts = ['id ' + modelId];
    var cruncher = (model && model.cruncher_name) || (entry && entry.cruncher_name);
    if (cruncher) parts.push('cruncher ' + cruncher);
    if (entry) parts.push(entry.rank === null ? 'unranked' : 'rank ' + entry.rank);
    $('model-meta').textContent = parts.join(' · ');
    document.title = name + ' – ' + (state.info ? state.info.name : 'model');
  }

  // ----- scores per parameter set (the newest snapshot) -----

  function scoreColumns() {
    var dir = CN.direction(state.info.leaderboard.better);
    var columns = [{ label: 'Parameter set', cell: function (p) { return p.param; }, csv: function (p) { return p.param; }, csvLabel: 'param' }];
    state.info.scoring.windows.forEach(function (w) {
      columns.push({
        label: w.name + ' (' + CN.formatWindow(w.seconds) + ')' + (dir ? ' ' + dir.arrow : ''), csvLabel: 'score_' + w.name, className: 'num',
        title: dir ? dir.text : '',
        cell: function (p) {
          var win = p.windows[w.name];
          var span = el('span', CN.formatScore(win ? win.value : null));
          if (win && win.complete === false) span.appendChild(el('span', '◔', 'partial-mark'));
          return span;
        },
        csv: function (p) { return p.windows[w.name] ? p.windows[w.name].value : null; },
      });
      columns.push({ label: 'n', csvLabel: 'count_' + w.name, className: 'num hide-narrow', cell: function (p) { return p.windows[w.name] ? p.windows[w.name].count : null; }, csv: function (p) { return p.windows[w.name] ? p.windows[w.name].count : null; } });
    });
    return columns;
  }

  function loadScores(modelId) {
    // Snapshots come oldest first: a short recent range holds the newest one.
    var since = new Date(Date.now() - Math.max(state.info.scoring.interval_seconds * 20, 600) * 1000).toISOString();
    return CN.getJson('/reports/snapshots?model_id=' + encodeURIComponent(modelId) + '&since=' + since + '&limit=5000').then(function (snapshots) {
      var newest = snapshots[snapshots.length - 1];
      var params = newest ? newest.params : [];
      var overall = newest ? [{ param: 'overall', windows: newest.windows }] : [];
      var rows = overall.concat(params);
      var columns = scoreColumns();
      CN.renderHead('model-scores', columns);
      CN.renderTable('model-scores', columns, rows);
      $('model-scores-empty').hidden = rows.length > 0;
      $('model-scores-time').textContent = newest ? 'as of ' + CN.formatTime(newest.performed_at) : '';
    });
  }

  // ----- success rate over the model's rounds -----

  function loadRounds(modelId) {
    return CN.getPage('/reports/rounds?model_id=' + encodeURIComponent(modelId) + '&limit=' + RATE_ROUNDS).then(function (page) {
      var rounds = page.rows.filter(function (r) { return r.scoring_state !== 'void' && r.predictions > 0; });
      $('model-rounds-empty').hidden = rounds.length > 0;
      var end = Date.now();
      var start = rounds.length ? new Date(rounds[rounds.length - 1].performed_at).getTime() : end - 3600000;
      var size = Math.max((end - start) / RATE_BUCKETS, 1000);
      var buckets = {};
      var succeeded = 0;
      rounds.forEach(function (r) {
        var key = Math.floor((new Date(r.performed_at).getTime() - start) / size);
        var b = (buckets[key] = buckets[key] || { ok: 0, all: 0 });
        b.all += r.predictions;
        b.ok += r.counts.SUCCESS;
        succeeded += r.counts.SUCCESS;
      });
      var points = Object.keys(buckets).map(Number).sort(function (a, b) { return a - b; }).map(function (k) {
        return { x: start + (k + 0.5) * size, y: (100 * buckets[k].ok) / buckets[k].all };
      });
      $('model-rounds-summary').textContent = rounds.length ? '(' + rounds.length + ' rounds, ' + Math.round((100 * succeeded) / rounds.length) + '% succeeded)' : '';
      if (typeof Chart === 'undefined') return;
      CN.drawTimeChart(state.chartHolder, $('model-rounds-chart'), [CN.lineDataset('success %', points, CN.color(2))], start, end, {
        min: 0, max: 100, ticks: { callback: function (v) { return v + '%'; } },
      });
    });
  }

  // ----- last predictions -----

  var PREDICTION_COLUMNS = [
    { label: 'Performed', cell: function (p) { return CN.formatTime(p.performed_at); }, csv: function (p) { return p.performed_at; }, csvLabel: 'performed_at' },
    { label: 'Parameter set', className: 'hide-narrow', cell: function (p) { return p.param; }, csv: function (p) { return p.param; }, csvLabel: 'param' },
    { label: 'Status', cell: function (p) { return el('span', p.status, 'status-' + p.status); }, csv: function (p) { return p.status; }, csvLabel: 'status' },
    { label: 'Exec ms', className: 'num', cell: function (p) { return p.exec_time_ms === null ? '–' : p.exec_time_ms.toFixed(1); }, csv: function (p) { return p.exec_time_ms; }, csvLabel: 'exec_time_ms' },
    { label: 'Score', className: 'num', cell: function (p) { return p.scored_at ? CN.formatScore(p.score_value) : el('span', 'pending', 'muted'); }, csv: function (p) { return p.score_value; }, csvLabel: 'score_value' },
    { label: 'Failure reason', className: 'reason', cell: function (p) { return p.failure_reason || p.score_failed_reason || ''; }, csv: function (p) { return p.failure_reason || p.score_failed_reason; }, csvLabel: 'failure_reason' },
  ];

  function loadPredictions(modelId) {
    return CN.getJson('/reports/predictions/latest?model_id=' + encodeURIComponent(modelId) + '&limit=50').then(function (rows) {
      CN.renderHead('model-predictions', PREDICTION_COLUMNS);
      CN.renderTable('model-predictions', PREDICTION_COLUMNS, rows, function (tr, p) {
        var reason = p.failure_reason || p.score_failed_reason;
        if (reason) tr.title = reason;
      });
      $('model-predictions-empty').hidden = rows.length > 0;
    });
  }

  // ----- rewards -----

  var REWARD_COLUMNS = [
    { label: 'Period end', cell: function (r) { return CN.formatTime(r.period_end); }, csv: function (r) { return r.period_end; }, csvLabel: 'period_end' },
    { label: 'Checkpoint', className: 'hide-narrow', cell: function (r) { return r.status; }, csv: function (r) { return r.status; }, csvLabel: 'checkpoint_status' },
    { label: 'Horizon', className: 'num', cell: function (r) { return CN.formatWindow(r.horizon); }, csv: function (r) { return r.horizon; }, csvLabel: 'horizon' },
    { label: 'Rank', className: 'num', cell: function (r) { return r.rank; }, csv: function (r) { return r.rank; }, csvLabel: 'rank' },
    { label: 'Amount', className: 'num', cell: function (r) { return r.amount.toLocaleString(undefined, { maximumFractionDigits: 6 }); }, csv: function (r) { return r.amount; }, csvLabel: 'amount' },
  ];

  function loadRewards(modelId) {
    return CN.getJson('/reports/checkpoints?limit=' + REWARD_CHECKPOINTS).then(function (checkpoints) {
      return Promise.all(checkpoints.map(function (c) { return CN.getJson('/reports/checkpoints/' + encodeURIComponent(c.id)); }));
    }).then(function (details) {
      var rows = [];
      details.forEach(function (d) {
        d.payouts.forEach(function (p) {
          if (p.model_id === modelId) rows.push({ period_end: d.period_end, status: d.status, horizon: p.horizon, rank: p.rank, amount: p.amount });
        });
      });
      CN.renderHead('model-rewards', REWARD_COLUMNS);
      CN.renderTable('model-rewards', REWARD_COLUMNS, rows);
      $('model-rewards-empty').hidden = rows.length > 0;
    });
  }

  CN.views.model = {
    setInfo: function (info) { state.info = info; },
    show: function (modelId) {
      if (state.modelId !== modelId && state.chartHolder.chart) {
        state.chartHolder.chart.destroy();
        state.chartHolder = {};
      }
      state.modelId = modelId;
    },
    refresh: function () {
      var modelId = state.modelId;
      if (!modelId || !state.info) return Promise.resolve();
      return Promise.all([CN.getJson('/reports/models'), CN.getJson('/reports/leaderboard/view')]).then(function (results) {
        renderHeader(modelId, results[0], results[1].entries);
        return Promise.all([loadScores(modelId), loadRounds(modelId), loadPredictions(modelId), loadRewards(modelId)]);
      });
    },
  };
})();
