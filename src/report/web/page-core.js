// Shared pieces of the page: DOM building, report API reads, number and time formats, the
// straight-line chart settings, and tables that download as CSV. Participant data (model and
// cruncher names, failure reasons) is only ever written with textContent.
(function () {
  'use strict';

  var CN = (window.CN = {});

  CN.$ = function (id) { return document.getElementById(id); };

  CN.el = function (tag, text, className) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (className) node.className = className;
    return node;
  };

  function fail(url, res) {
    return res.text().then(function (body) { throw new Error(url.split('?')[0] + ' answered ' + res.status + ': ' + body.slice(0, 200)); });
  }

  CN.getJson = function (url) {
    return fetch(url, { cache: 'no-cache', headers: { Accept: 'application/json' } }).then(function (res) {
      return res.ok ? res.json() : fail(url, res);
    });
  };

  /** A list route's page: its rows and the cursor of the next (older) page, if any. */
  CN.getPage = function (url) {
    return fetch(url, { cache: 'no-cache', headers: { Accept: 'application/json' } }).then(function (res) {
      if (!res.ok) return fail(url, res);
      var next = res.headers.get('X-Has-More') === 'true' ? res.headers.get('X-Next-Cursor') : null;
      return res.json().then(function (rows) { return { rows: rows, next: next }; });
    });
  };

  CN.formatScore = function (value) {
    if (value === null || value === undefined) return '–';
    var abs = Math.abs(value);
    if (abs !== 0 && (abs < 0.001 || abs >= 100000)) return value.toExponential(3);
    return value.toFixed(abs >= 100 ? 2 : 4);
  };

  CN.formatTime = function (iso) {
    if (!iso) return '–';
    return new Date(iso).toLocaleString(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
  };

  CN.formatAge = function (iso) {
    if (!iso) return '–';
    var seconds = Math.max(0, Math.round((Date.now() - new Date(iso).getTime()) / 1000));
    if (seconds < 120) return seconds + ' s';
    if (seconds < 7200) return Math.round(seconds / 60) + ' min';
    if (seconds < 172800) return Math.round(seconds / 3600) + ' h';
    return Math.round(seconds / 86400) + ' d';
  };

  CN.formatWindow = function (seconds) {
    var units = [['d', 86400], ['h', 3600], ['m', 60]];
    for (var i = 0; i < units.length; i++) if (seconds >= units[i][1] && seconds % units[i][1] === 0) return seconds / units[i][1] + units[i][0];
    return seconds + 's';
  };

  /** Which way scores are better, as an arrow and a sentence (null when unknown). */
  CN.direction = function (better) {
    if (better === 'higher') return { arrow: '↑', text: 'higher is better' };
    if (better === 'lower') return { arrow: '↓', text: 'lower is better' };
    return null;
  };

  /**
   * Time-axis labels for a range of `rangeMs`: seconds for ranges up to 15 minutes, hours and
   * minutes up to a day and a half, day and hour up to 4 days, dates beyond.
   */
  CN.timeLabelFormat = function (rangeMs) {
    if (rangeMs <= 15 * 60000) return { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' };
    if (rangeMs <= 36 * 3600000) return { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' };
    if (rangeMs <= 4 * 86400000) return { month: 'short', day: 'numeric', hour: '2-digit', hourCycle: 'h23' };
    return { month: 'short', day: 'numeric' };
  };

  var TICK_STEPS = [1, 5, 15, 30, 60, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800, 604800].map(function (s) { return s * 1000; });

  /** The shortest round time step (1 s ... 7 d) that puts at most `ticks` labels on a range of `rangeMs`. */
  CN.timeTickStep = function (rangeMs, ticks) {
    for (var i = 0; i < TICK_STEPS.length; i++) if (rangeMs / TICK_STEPS[i] <= ticks) return TICK_STEPS[i];
    return TICK_STEPS[TICK_STEPS.length - 1];
  };

  var PALETTE = ['#2f5bd3', '#d35f2f', '#1a7f37', '#8e44ad', '#b8860b', '#0e7c86', '#c2185b', '#5d4037', '#607d8b', '#7cb342'];
  CN.color = function (i) { return PALETTE[i % PALETTE.length]; };

  /** A line dataset drawn as straight segments between the real points (no smoothing: it draws dips that are not in the data). */
  CN.lineDataset = function (label, points, color, extra) {
    var dataset = {
      label: label, data: points, borderColor: color, backgroundColor: color,
      pointRadius: points.length > 60 ? 0 : 2, borderWidth: 2, spanGaps: true,
      tension: 0, cubicInterpolationMode: 'default', stepped: false,
    };
    for (var key in extra || {}) dataset[key] = extra[key];
    return dataset;
  };

  /** Draws (or redraws) a time-series line chart on `canvas` over [startMs, endMs]. */
  CN.drawTimeChart = function (holder, canvas, datasets, startMs, endMs, yOptions) {
    var format = CN.timeLabelFormat(endMs - startMs);
    var step = CN.timeTickStep(endMs - startMs, 6);
    var x = {
      type: 'linear', min: startMs, max: endMs,
      // Labels on round times (every 5 minutes, every hour...), not wherever the range happens to start.
      afterBuildTicks: function (axis) {
        var ticks = [];
        for (var t = Math.ceil(startMs / step) * step; t <= endMs; t += step) ticks.push({ value: t });
        axis.ticks = ticks;
      },
      ticks: { callback: function (v) { return new Date(v).toLocaleString(undefined, format); } },
    };
    var y = { ticks: { callback: function (v) { return CN.formatScore(v); } } };
    for (var key in yOptions || {}) y[key] = yOptions[key];
    if (holder.chart) {
      holder.chart.data.datasets = datasets;
      holder.chart.options.scales.x = x;
      holder.chart.options.scales.y = y;
      holder.chart.update('none');
      return holder.chart;
    }
    holder.chart = new Chart(canvas, {
      type: 'line',
      data: { datasets: datasets },
      options: {
        animation: false, responsive: true, maintainAspectRatio: false, parsing: false, normalized: true,
        interaction: { mode: 'nearest', intersect: false },
        scales: { x: x, y: y },
        plugins: {
          legend: { labels: { boxWidth: 12 } },
          tooltip: { callbacks: { title: function (items) { return items.length ? CN.formatTime(new Date(items[0].parsed.x).toISOString()) : ''; } } },
        },
      },
    });
    return holder.chart;
  };

  // ----- tables that download as CSV -----

  var tables = {};

  /**
   * Fills `<tbody id="{id}-body">` with one row per item; `columns` are
   * `{label, className?, cell(item) -> text|Node, csv(item) -> raw value}`. The rows are kept so
   * the table's CSV button downloads exactly what the table shows, with unrounded values.
   */
  CN.renderTable = function (id, columns, items, rowHook) {
    tables[id] = { columns: columns, items: items };
    var body = CN.$(id + '-body');
    body.textContent = '';
    items.forEach(function (item) {
      var tr = CN.el('tr');
      columns.forEach(function (c) {
        var value = c.cell(item);
        var td = value instanceof Node ? CN.el('td', null, c.className) : CN.el('td', value === null || value === undefined ? '–' : value, c.className);
        if (value instanceof Node) td.appendChild(value);
        tr.appendChild(td);
      });
      if (rowHook) rowHook(tr, item);
      body.appendChild(tr);
    });
  };

  /** The header row of a table rendered by renderTable. */
  CN.renderHead = function (id, columns) {
    var head = CN.$(id + '-head');
    head.textContent = '';
    columns.forEach(function (c) {
      var th = CN.el('th', c.label, c.className);
      if (c.title) th.title = c.title;
      head.appendChild(th);
    });
  };

  var FORMULA_START = /^[=+\-@\t\r]/;

  // The same rules as the report routes' CSV: RFC 4180 quoting, empty for null, formulas defused.
  function csvCell(value) {
    if (value === null || value === undefined) return '';
    var text = typeof value === 'string' ? (FORMULA_START.test(value) ? "'" + value : value) : typeof value === 'object' ? JSON.stringify(value) : String(value);
    return /[",\r\n]/.test(text) || text !== text.trim() ? '"' + text.replace(/"/g, '""') + '"' : text;
  }

  CN.tableCsv = function (id) {
    var t = tables[id];
    if (!t) return '';
    var lines = [t.columns.map(function (c) { return csvCell(c.csvLabel || c.label); }).join(',')];
    t.items.forEach(function (item) { lines.push(t.columns.map(function (c) { return csvCell(c.csv(item)); }).join(',')); });
    return lines.join('\r\n') + '\r\n';
  };

  // Every `button[data-csv]` downloads the table it names.
  document.addEventListener('click', function (event) {
    var button = event.target.closest ? event.target.closest('button[data-csv]') : null;
    if (!button) return;
    var id = button.getAttribute('data-csv');
    var url = URL.createObjectURL(new Blob([CN.tableCsv(id)], { type: 'text/csv;charset=utf-8' }));
    var link = CN.el('a');
    link.href = url;
    link.download = id + '.csv';
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
  });

  // ----- model status -----

  /** A badge for a leaderboard row's standing other than active, or null. */
  CN.statusBadge = function (status) {
    if (status === 'disabled') return badge('disabled', 'badge badge-disabled', 'Disabled by an operator: the model gets no calls.');
    if (status === 'excluded') return badge('excluded', 'badge badge-excluded', 'Excluded by an operator: never ranked nor paid; its history stays.');
    if (status === 'inactive') return badge('left', 'badge badge-left', 'The model left the competition.');
    return null;
  };

  CN.benchmarkBadge = function () {
    return badge('benchmark', 'badge badge-benchmark', 'The benchmark model named by the reward options: never paid.');
  };

  function badge(text, className, title) {
    var span = CN.el('span', text, className);
    span.title = title;
    return span;
  }

  CN.isBenchmark = function (info, row) {
    var b = info && info.benchmark;
    return !!b && row.model_name === b.model_name && row.cruncher_name === b.player_name;
  };

  CN.modelLink = function (modelId, text) {
    var a = CN.el('a', text || modelId, 'model-link');
    a.href = '#/models/' + encodeURIComponent(modelId);
    return a;
  };
})();
