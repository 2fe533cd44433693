/* LED bracket screen: renders the bracket from its JSON view, fitted to the screen.
   Live: joins the trade's Socket.IO room and refetches on a "bracket" event for this
   bracket. Fallback: polls the JSON every 10 s (every 3 s while the socket is down), so a
   missed event or a missing Socket.IO client only delays the screen.
   Fitting (LED panels come in odd sizes: 1920x480, 768x384...): the largest font at which
   everything fits; when that is below MIN_PX, first the finished early rounds are left
   out, then the tree is shown in parts (top half / bottom half, or quarters) that rotate
   every PART_SECONDS. ?last=N on the URL keeps only the last N rounds.
   Plain ES5: LED PCs run old browsers; venues serve plain http (no secure-context APIs). */
(function () {
  var MIN_PX = 14, PART_SECONDS = 10;
  var root = document.getElementById('bracket');
  var url = root.getAttribute('data-url');
  var tradeId = parseInt(root.getAttribute('data-trade'), 10);
  var labels = JSON.parse(document.getElementById('labels').textContent);
  var bracketId = parseInt(url.match(/(\d+)\.json$/)[1], 10);
  var last = parseInt(root.getAttribute('data-last'), 10) || 0;
  var version = null, current = null, part = 0, parts = 1, connected = false;

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  }
  function side(s, winner, bye) {
    return el('span', 'side' + (s && winner === s.id ? ' won' : '') + (bye ? ' bye' : ''),
              s ? s.name : (bye ? labels.bye : '—'));
  }
  function matchBox(m) {
    var box = el('div', 'match ' + m.status);
    var l1 = el('div', 'line'); l1.appendChild(side(m.a, m.winner));
    var wo = function (sd) { return m.walkover && sd && m.winner === sd.id ? labels.wo : ''; };
    l1.appendChild(el('span', 'score', m.score_a !== null ? m.score_a : wo(m.a))); box.appendChild(l1);
    var l2 = el('div', 'line'); l2.appendChild(side(m.b, m.winner, m.status === 'bye' && !m.b));
    l2.appendChild(el('span', 'score', m.score_b !== null ? m.score_b : wo(m.b))); box.appendChild(l2);
    return box;
  }
  function roundLabel(name) {
    return labels[name] || labels.round_of.replace('%s', name.split(' ').pop());
  }
  function groupTable(g) {
    var sec = el('section', 'group');
    sec.appendChild(el('h3', null, labels.group.replace('%s', g.name)));
    var t = el('table', 'grid points'), head = el('tr'), tb = el('tbody'), thead = el('thead');
    ['#', labels.team, labels.P, labels.W, labels.D, labels.L, labels.diff, labels.pts]
      .forEach(function (h, i) { head.appendChild(el('th', i === 1 ? null : 'num', h)); });
    thead.appendChild(head); t.appendChild(thead);
    g.table.forEach(function (r) {
      var tr = el('tr');
      [r.rank, r.name, r.played, r.won, r.drawn, r.lost, r.difference, r.points]
        .forEach(function (v, i) { tr.appendChild(el('td', i === 1 ? null : 'num', v)); });
      tb.appendChild(tr);
    });
    t.appendChild(tb); sec.appendChild(t);
    return sec;
  }
  function finished(r) {
    return r.matches.every(function (m) { return m.status !== 'pending'; });
  }
  // The rounds to show: without the finished early rounds when `trim` (never the last two).
  function roundsOf(view, trim) {
    var rounds = last > 0 ? view.rounds.slice(-last) : view.rounds.slice();
    while (trim && rounds.length > 2 && finished(rounds[0])) rounds.shift();
    return rounds;
  }
  function draw(view, trim, nParts, p) {
    var frag = document.createDocumentFragment();
    view.groups.forEach(function (g) { frag.appendChild(groupTable(g)); });
    var rounds = roundsOf(view, trim);
    if (rounds.length) {
      var tree = el('div', 'bracket-tree');
      rounds.forEach(function (r, i) {
        var col = el('div', 'round'), k = r.matches.length;
        col.appendChild(el('h3', null, roundLabel(r.name) +
          (nParts > 1 && k >= nParts ? ' · ' + (p + 1) + '/' + nParts : '')));
        var from = Math.floor(k * p / nParts), to = Math.max(from + 1, Math.floor(k * (p + 1) / nParts));
        r.matches.slice(from, to).forEach(function (m) {
          if (!(m.status === 'bye' && r.round === 1)) col.appendChild(matchBox(m));
        });
        if (i === rounds.length - 1 && view.third_place) {
          col.appendChild(el('h3', null, labels.third));
          col.appendChild(matchBox(view.third_place));
        }
        tree.appendChild(col);
      });
      frag.appendChild(tree);
    }
    if (view.champion) {
      var line = (labels.champion_line || labels.champion + ': {name}').split('{name}');   // 冠军：
      var c = el('p', 'champion', '★ ' + line[0]);
      c.appendChild(el('strong', null, view.champion.name));
      if (line[1]) c.appendChild(document.createTextNode(line[1]));
      frag.appendChild(c);
    }
    if (view.ranking) frag.appendChild(podium(view.ranking));
    root.innerHTML = '';
    root.appendChild(frag);
    return fit();
  }
  // A decided bracket's top places with their awards (the ceremony's podium): 1, 2, 3, 4
  // or 1, 2, 3, 3 (both losing semi-finalists without a third-place match).
  function podium(ranking) {
    var p = el('p', 'podium');
    ranking.filter(function (r) { return r.rank <= 4; }).slice(0, 4).forEach(function (r) {
      var s = el('span', 'place', r.rank + ' ');
      s.appendChild(el('strong', null, r.name));
      if (r.award) s.appendChild(el('span', 'award', ' ' + r.award));
      p.appendChild(s);
    });
    return p;
  }
  // Largest font (px) at which the content fits; binary search.
  function fit() {
    var lo = 8, hi = 72;
    while (hi - lo > 1) {
      var mid = Math.floor((lo + hi) / 2);
      root.style.fontSize = mid + 'px';
      if (root.scrollHeight <= root.clientHeight + 1 && root.scrollWidth <= root.clientWidth + 1) lo = mid;
      else hi = mid;
    }
    root.style.fontSize = lo + 'px';
    return lo;
  }
  // Choose the least intrusive layout that is readable, then show part `part` of it.
  function render(view) {
    current = view;
    var options = [[false, 1], [true, 1], [true, 2], [true, 4], [true, 8]];
    for (var i = 0; i < options.length; i++) {
      parts = options[i][1];
      if (draw(view, options[i][0], parts, 0) >= MIN_PX || i === options.length - 1) {
        if (part >= parts) part = 0;
        if (part) draw(view, options[i][0], parts, part);
        root.setAttribute('data-parts', String(parts));
        root.setAttribute('data-trimmed', String(options[i][0]));
        return;
      }
    }
  }
  function refresh(force) {
    var xhr = new XMLHttpRequest();
    xhr.open('GET', url, true);
    xhr.onload = function () {
      if (xhr.status !== 200) return;
      var view = JSON.parse(xhr.responseText);
      if (force || view.version !== version) { version = view.version; render(view); }
      root.setAttribute('data-version', String(version));
    };
    xhr.send();
  }
  if (typeof io === 'function') {
    var socket = io({ transports: ['websocket', 'polling'] });
    var joinDelay = 0;
    function join() {   // retried with backoff while the server's database is unreachable
      if (!socket.connected) return;
      socket.emit('join', { trade: tradeId }, function (ack) {
        if (ack && ack.error === 'unavailable') {
          joinDelay = Math.min(30000, joinDelay ? joinDelay * 2 : (ack.retry_ms || 1000));
          setTimeout(join, Math.round(joinDelay * (0.75 + Math.random() * 0.5)));
          return;
        }
        joinDelay = 0;
      });
    }
    socket.on('connect', function () {
      connected = true;
      join();
      refresh(false);  // catch up on anything missed while disconnected
    });
    socket.on('disconnect', function () { connected = false; });
    socket.on('bracket', function (msg) {
      if (msg && msg.bracket === bracketId && msg.version !== version) refresh(false);
    });
  }
  fit();            // the server-rendered bracket, until the JSON arrives
  refresh(true);
  window.addEventListener('resize', function () { if (current) render(current); });
  setInterval(function () {
    if (current && parts > 1) { part = (part + 1) % parts; render(current); }
  }, PART_SECONDS * 1000);
  (function poll() {
    setTimeout(function () { refresh(false); poll(); }, connected ? 10000 : 3000);
  })();
})();
