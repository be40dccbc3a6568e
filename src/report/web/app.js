// The page's views and their refresh: #/ (leaderboard, comparison, health, feeds),
// #/models/<id> (one model) and #/rounds. Each view reads the report API of the same origin.
(function () {
  'use strict';

  var CN = window.CN;
  var $ = CN.$;
  var REFRESH_MS = 15000;
  var VIEWS = ['leaderboard', 'model', 'rounds'];
  var current = { name: 'leaderboard', info: null };

  function showError(message) {
    var banner = $('error-banner');
    banner.hidden = !message;
    banner.textContent = message || '';
  }

  function onError(err) { showError(err.message); }

  /** `#/models/m-1` -> {name: 'model', modelId: 'm-1'}; anything unknown is the leaderboard. */
  function route() {
    var hash = location.hash.replace(/^#\/?/, '');
    var model = /^models\/(.+)$/.exec(hash);
    if (model) return { name: 'model', modelId: decodeURIComponent(model[1]) };
    if (hash === 'rounds') return { name: 'rounds' };
    return { name: 'leaderboard' };
  }

  function refresh() {
    if (!current.info) return Promise.resolve();
    $('refresh-state').textContent = 'refreshing…';
    var views = [CN.views[current.name].refresh()];
    if (current.name === 'rounds') views.push(CN.views.tournament.refresh()); // shown for a tournament only
    return Promise.all(views)
      .then(function () {
        showError('');
        $('refresh-state').textContent = 'updated ' + new Date().toLocaleTimeString(undefined, { hourCycle: 'h23' });
      })
      .catch(function (err) {
        $('refresh-state').textContent = '';
        showError('Could not refresh: ' + err.message);
      });
  }

  function navigate() {
    var r = route();
    current.name = r.name;
    VIEWS.forEach(function (name) { $('view-' + name).hidden = name !== r.name; });
    $('nav-leaderboard').classList.toggle('current', r.name === 'leaderboard');
    $('nav-rounds').classList.toggle('current', r.name === 'rounds');
    if (r.name === 'model') CN.views.model.show(r.modelId);
    if (r.name === 'rounds') CN.views.rounds.show();
    if (current.info && r.name !== 'model') document.title = current.info.name + ' – ' + (r.name === 'rounds' ? 'rounds' : 'leaderboard');
    $('refresh-state').textContent = '';
    window.scrollTo(0, 0);
    return refresh();
  }

  function renderInfo(info) {
    current.info = info;
    $('competition-name').textContent = info.name;
    $('competition-description').textContent = info.description;
    $('synthetic-banner').hidden = !info.feed.synthetic;
    CN.views.leaderboard.setInfo(info);
    CN.views.model.setInfo(info);
    CN.views.tournament.setInfo(info);
  }

  function start() {
    CN.views.leaderboard.start(onError);
    CN.views.rounds.start(onError);
    CN.views.tournament.start();
    window.addEventListener('hashchange', navigate);
    CN.getJson('/info')
      .then(renderInfo)
      .then(navigate)
      .catch(function (err) { showError('Could not load the competition: ' + err.message); });
    setInterval(function () { if (!document.hidden) refresh(); }, REFRESH_MS);
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
