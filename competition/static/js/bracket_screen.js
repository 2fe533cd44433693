/* LED bracket screen: re-renders the bracket from its JSON view when it changes.
   Live: joins the trade's Socket.IO room and refetches on a "bracket" event for this
   bracket. Fallback: polls the JSON every 10 s (every 3 s while the socket is down), so a
   missed event or a missing Socket.IO client only delays the screen. Plain ES5-ish code:
   LED PCs run old browsers, and venues serve plain http (no secure-context APIs). */
(function () {
  var root = document.getElementById('bracket');
  var url = root.getAttribute('data-url');
  var tradeId = parseInt(root.getAttribute('data-trade'), 10);
  var version = parseInt(root.getAttribute('data-version'), 10) || 0;
  var labels = JSON.parse(document.getElementById('labels').textContent);
  var bracketId = parseInt(url.match(/(\d+)\.json$/)[1], 10);
  var connected = false;
  var last = parseInt(root.getAttribute('data-last'), 10) || 0;

  // Largest font size at which the whole bracket fits the screen (LED panels come in odd
  // sizes: 1920x480, 768x384...). Binary search over px sizes.
  function fit() {
    var lo = 8, hi = 72;
    while (hi - lo > 1) {
      var mid = Math.floor((lo + hi) / 2);
      root.style.fontSize = mid + 'px';
      if (root.scrollHeight <= root.clientHeight + 1 && root.scrollWidth <= root.clientWidth + 1) lo = mid;
      else hi = mid;
    }
    root.style.fontSize = lo + 'px';
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  }
  function side(s, winner, bye) {
    var span = el('span', 'side' + (s && winner === s.id ? ' won' : '') + (bye ? ' bye' : ''),
                  s ? s.name : (bye ? labels.bye : '—'));
    return span;
  }
  function matchBox(m) {
    var box = el('div', 'match ' + m.status);
    var l1 = el('div', 'line'); l1.appendChild(side(m.a, m.winner));
    l1.appendChild(el('span', 'score', m.score_a)); box.appendChild(l1);
    var l2 = el('div', 'line'); l2.appendChild(side(m.b, m.winner, m.status === 'bye' && !m.b));
    l2.appendChild(el('span', 'score', m.score_b)); box.appendChild(l2);
    return box;
  }
  function roundLabel(name) {
    if (labels[name]) return labels[name];
    return labels.round_of.replace('%s', name.split(' ').pop());
  }
  function render(view) {
    if (last > 0) view.rounds = view.rounds.slice(-last);
    var frag = document.createDocumentFragment();
    view.groups.forEach(function (g) {
      var sec = el('section', 'group');
      sec.appendChild(el('h3', null, labels.group.replace('%s', g.name)));
      var t = el('table', 'grid points'), head = el('tr');
      ['#', labels.team, labels.P, labels.W, labels.D, labels.L, labels.diff, labels.pts]
        .forEach(function (h, i) { head.appendChild(el('th', i === 1 ? null : 'num', h)); });
      var thead = el('thead'); thead.appendChild(head); t.appendChild(thead);
      var tb = el('tbody');
      g.table.forEach(function (r) {
        var tr = el('tr');
        [r.rank, r.name, r.played, r.won, r.drawn, r.lost, r.difference, r.points]
          .forEach(function (v, i) { tr.appendChild(el('td', i === 1 ? null : 'num', v)); });
        tb.appendChild(tr);
      });
      t.appendChild(tb); sec.appendChild(t); frag.appendChild(sec);
    });
    if (view.rounds.length) {
      var tree = el('div', 'bracket-tree');
      view.rounds.forEach(function (r, i) {
        var col = el('div', 'round');
        col.appendChild(el('h3', null, roundLabel(r.name)));
        r.matches.forEach(function (m) { col.appendChild(matchBox(m)); });
        if (i === view.rounds.length - 1 && view.third_place) {
          col.appendChild(el('h3', null, labels.third));
          col.appendChild(matchBox(view.third_place));
        }
        tree.appendChild(col);
      });
      frag.appendChild(tree);
    }
    if (view.champion) {
      var p = el('p', 'champion', '🏆 ' + labels.champion + ': ');
      p.appendChild(el('strong', null, view.champion.name));
      frag.appendChild(p);
    }
    root.innerHTML = '';
    root.appendChild(frag);
    fit();
  }
  function refresh() {
    var xhr = new XMLHttpRequest();
    xhr.open('GET', url, true);
    xhr.onload = function () {
      if (xhr.status !== 200) return;
      var view = JSON.parse(xhr.responseText);
      if (view.version !== version) { version = view.version; render(view); }
      root.setAttribute('data-version', String(version));
    };
    xhr.send();
  }
  if (typeof io === 'function') {
    var socket = io({ transports: ['websocket', 'polling'] });
    socket.on('connect', function () {
      connected = true;
      socket.emit('join', { trade: tradeId });
      refresh();  // catch up on anything missed while disconnected
    });
    socket.on('disconnect', function () { connected = false; });
    socket.on('bracket', function (msg) {
      if (msg && msg.bracket === bracketId && msg.version !== version) refresh();
    });
  }
  fit();
  window.addEventListener('resize', fit);
  (function poll() {
    setTimeout(function () { refresh(); poll(); }, connected ? 10000 : 3000);
  })();
})();
