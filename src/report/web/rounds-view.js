// The rounds view (#/rounds): each recent round with its counts by status and its scoring state,
// so no round is ever silently pending.
(function () {
  'use strict';

  var CN = window.CN;
  var el = CN.el, $ = CN.$;
  var state = { rows: [], next: null, paged: false };
  CN.views = CN.views || {};

  var PAGE = 50;
  var STATE_LABELS = {
    predicting: 'predicting', awaiting_horizon: 'awaiting horizon', waiting_for_truth: 'waiting for truth', scored: 'scored', void: 'void',
  };

  function stateCell(r) {
    var span = el('span', STATE_LABELS[r.scoring_state] || r.scoring_state, 'state state-' + r.scoring_state);
    if (r.scoring_state === 'void') span.title = 'voided ' + CN.formatTime(r.voided_at) + (r.void_reason ? ': ' + r.void_reason : '');
    else if (r.scoring_state === 'awaiting_horizon') span.title = 'resolvable at ' + CN.formatTime(r.resolvable_at);
    else if (r.scoring_state === 'waiting_for_truth') span.title = r.unscored + ' of ' + r.predictions + ' predictions not scored yet';
    return span;
  }

  function count(status) {
    return {
      label: status.charAt(0) + status.slice(1).toLowerCase(), csvLabel: status, className: 'num',
      cell: function (r) { return el('span', r.counts[status], r.counts[status] && status !== 'SUCCESS' ? 'status-' + status : ''); },
      csv: function (r) { return r.counts[status]; },
    };
  }

  var COLUMNS = [
    { label: 'Performed', csvLabel: 'performed_at', cell: function (r) { return CN.formatTime(r.performed_at); }, csv: function (r) { return r.performed_at; } },
    // The state second: on a phone it stays on screen.
    { label: 'State', csvLabel: 'scoring_state', cell: stateCell, csv: function (r) { return r.scoring_state; } },
    { label: 'Parameter set', csvLabel: 'param', cell: function (r) { return r.param; }, csv: function (r) { return r.param; } },
    count('SUCCESS'), count('FAILED'), count('TIMEOUT'), count('ABSENT'),
    { label: 'Scored', csvLabel: 'scored', className: 'num hide-narrow', cell: function (r) { return r.scored + '/' + r.predictions; }, csv: function (r) { return r.scored; } },
    { label: 'Round id', csvLabel: 'round_id', className: 'hide-always', cell: function (r) { return r.round_id; }, csv: function (r) { return r.round_id; } },
    { label: 'Void reason', csvLabel: 'void_reason', className: 'hide-always', cell: function (r) { return r.void_reason; }, csv: function (r) { return r.void_reason; } },
  ];

  function render() {
    CN.renderTable('rounds', COLUMNS, state.rows, function (tr, r) {
      tr.dataset.state = r.scoring_state;
      if (r.scoring_state === 'void') tr.classList.add('muted-row');
    });
    $('rounds-empty').hidden = state.rows.length > 0;
    $('rounds-older').hidden = !state.next;
    var byState = {};
    state.rows.forEach(function (r) { byState[r.scoring_state] = (byState[r.scoring_state] || 0) + 1; });
    $('rounds-summary').textContent = Object.keys(STATE_LABELS).filter(function (s) { return byState[s]; })
      .map(function (s) { return byState[s] + ' ' + STATE_LABELS[s]; }).join(' · ');
  }

  CN.views.rounds = {
    start: function (onError) {
      CN.renderHead('rounds', COLUMNS);
      $('rounds-older').addEventListener('click', function () {
        if (!state.next) return;
        CN.getPage('/reports/rounds?limit=' + PAGE + '&before=' + encodeURIComponent(state.next)).then(function (page) {
          state.paged = true;
          state.rows = state.rows.concat(page.rows);
          state.next = page.next;
          render();
        }).catch(onError);
      });
    },
    // A refresh re-reads the newest page, unless the reader went back in time.
    refresh: function () {
      if (state.paged) return Promise.resolve();
      return CN.getPage('/reports/rounds?limit=' + PAGE).then(function (page) {
        state.rows = page.rows;
        state.next = page.next;
        render();
      });
    },
    show: function () { state.paged = false; },
  };
})();
