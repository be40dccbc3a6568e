// The tournament rounds section of the rounds view (#/rounds): shown only for a tournament
// competition (/info's `tournament`), each round opened through the API with its stage (open,
// predicted, scored, void) and its counts.
(function () {
  'use strict';

  var CN = window.CN;
  var el = CN.el, $ = CN.$;
  var state = { enabled: false, rows: [] };
  CN.views = CN.views || {};

  var STATUS_TITLES = {
    open: 'its models are being called',
    predicted: 'predictions stored; waiting for the truth (POST /tournament/rounds/{id}/truth) or its scoring',
    scored: 'every prediction scored against the posted truth',
    void: 'voided: never counts',
  };

  function count(key, label) {
    return {
      label: label, csvLabel: key, className: 'num',
      cell: function (r) { return r.counts ? r.counts[key] : null; },
      csv: function (r) { return r.counts ? r.counts[key] : null; },
    };
  }

  var COLUMNS = [
    { label: 'Opened', csvLabel: 'opened_at', cell: function (r) { return CN.formatTime(r.opened_at); }, csv: function (r) { return r.opened_at; } },
    {
      label: 'Status', csvLabel: 'status',
      cell: function (r) { var span = el('span', r.status, 'state state-tournament-' + r.status); span.title = STATUS_TITLES[r.status] || ''; return span; },
      csv: function (r) { return r.status; },
    },
    { label: 'Round', csvLabel: 'round_id', cell: function (r) { return r.round_id || r.id; }, csv: function (r) { return r.round_id; } },
    count('models', 'Models'), count('SUCCESS', 'Success'), count('scored', 'Scored'),
    { label: 'Truth', csvLabel: 'truth_posted_at', className: 'hide-narrow', cell: function (r) { return r.truth_posted ? CN.formatTime(r.truth_posted_at) : 'not posted'; }, csv: function (r) { return r.truth_posted_at; } },
    { label: 'Id', csvLabel: 'id', className: 'hide-always', cell: function (r) { return r.id; }, csv: function (r) { return r.id; } },
  ];

  function render() {
    $('tournament-section').hidden = !state.enabled;
    if (!state.enabled) return;
    CN.renderTable('tournament-rounds', COLUMNS, state.rows, function (tr, r) {
      tr.dataset.status = r.status;
      if (r.status === 'void') tr.classList.add('muted-row');
    });
    $('tournament-rounds-empty').hidden = state.rows.length > 0;
  }

  CN.views.tournament = {
    start: function () { CN.renderHead('tournament-rounds', COLUMNS); },
    /** `/info`'s `tournament`: a competition fed by its feed has no tournament routes, and no section. */
    setInfo: function (info) { state.enabled = info.tournament === true; render(); },
    refresh: function () {
      if (!state.enabled) return Promise.resolve();
      return CN.getJson('/tournament/rounds?limit=50').then(function (rows) { state.rows = rows; render(); });
    },
  };
})();
