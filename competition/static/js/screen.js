/* The LED leaderboard: fits the viewport (rows per page from its height, type size from
 * its width and height), pages through long lists, rotates through trades, highlights
 * rows that just moved, shows the frozen state and the ceremony reveal, and says clearly
 * when the connection is lost (socket.io reconnects; we then get fresh snapshots). */
(function () {
  "use strict";
  var L = window.Live;
  var root = document.getElementById("led");
  var settings = JSON.parse(root.getAttribute("data-settings"));
  var t = JSON.parse(root.getAttribute("data-i18n"));
  var $ = function (id) { return document.getElementById(id); };
  var MIN_ROWS = 4, FLASH_MS = 6000;

  var state = { index: 0, page: 0, perPage: 8, shownSince: Date.now(), online: false,
                nextPageAt: Date.now() + settings.pageSeconds * 1000,
                flash: {}, revealedKey: null, snaps: {}, latest: settings.latest || {} };
  var LATEST_KEEP = 50;

  function fit() {
    var W = window.innerWidth, H = window.innerHeight;
    // The type size: ~30 em across the width, at least MIN_ROWS rows in the height.
    var u = Math.max(10, Math.min(W / 30, H / (MIN_ROWS * 1.55 + 3.6), 80));
    var chrome = u * 3.6;   // header 1.7 + column heads 0.9 + footer 1.0
    var rows = settings.rows || Math.max(1, Math.floor((H - chrome) / (u * 1.55)));
    root.style.setProperty("--u", u.toFixed(2) + "px");
    root.style.setProperty("--row-h", ((H - chrome) / rows).toFixed(2) + "px");
    state.perPage = rows;
    render();
  }

  function current() { return settings.trades[state.index]; }

  function displayRows(snap) {
    if (!snap.reveal) return snap.rows;
    var hidden = [];
    for (var i = 0; i < snap.reveal.total - snap.reveal.count; i++) {
      hidden.push({ key: "hidden-" + i, hidden: true });
    }
    return hidden.concat(snap.rows);
  }

  function render() {
    var tr = current();
    root.classList.toggle("bracket-mode", !!tr.bracket);
    $("bracket").hidden = !tr.bracket;
    $("rows").hidden = !!tr.bracket;
    if (tr.bracket) { renderBracket(tr); return; }
    var snap = state.snaps[current().id];
    var list = $("rows");
    $("trade-name").textContent = snap ? snap.trade.name : current().name;
    if (!snap) {
      list.innerHTML = "";
      list.appendChild(L.el("li", "led-empty", t.connecting));
      return;
    }
    root.classList.toggle("no-employer", !snap.rows.some(function (r) { return r.employer; }));
    root.classList.toggle("team-rows", snap.rows.length > 0 && snap.rows.every(function (r) {
      return repeatsName(r.name, r.employer); }));   // headed 队名, no 单位 heading
    var rows = displayRows(snap);
    var pages = Math.max(1, Math.ceil(rows.length / state.perPage));
    if (snap.reveal) {   // stay on the page of the row revealed last
      var at = snap.reveal.total - snap.reveal.count;
      state.page = Math.min(pages - 1, Math.floor(Math.min(at, rows.length - 1) / state.perPage));
    }
    if (state.page >= pages) state.page = 0;
    $("frozen-tag").hidden = !snap.frozen || !!snap.reveal;
    $("reveal-tag").hidden = !snap.reveal;
    if (snap.reveal) $("reveal-tag").textContent = L.fmt(t.reveal, snap.reveal);
    footState();
    $("updated").textContent = L.fmt(t.updated, { time: L.clock(snap.updated_at) });
    var where = [L.fmt(t.page, { page: state.page + 1, pages: pages })];
    if (settings.trades.length > 1) {
      where.push(L.fmt(t.trade, { n: state.index + 1, count: settings.trades.length }));
    }
    $("where").textContent = where.join(" · ");
    list.innerHTML = "";
    if (!rows.length) {
      list.appendChild(L.el("li", "led-empty", snap.reveal ? L.fmt(t.reveal, snap.reveal) : t.waiting));
      return;
    }
    var now = Date.now();
    if (settings.layout === "leaders" && !snap.reveal) { renderLeaders(snap, list, now); return; }
    rows.slice(state.page * state.perPage, (state.page + 1) * state.perPage).forEach(function (r) {
      list.appendChild(r.hidden ? hiddenRow() : row(r, now));
    });
  }

  /* A knockout or groups trade in a rotation: its bracket (the same JSON view as the
     bracket's own LED page), not a table of teams reading 待评分. Fetched when the trade
     comes up and every BRACKET_MS while it is shown. The finished early rounds, then the
     rounds too big for the height, are left out: the later rounds matter on a wall. */
  var brackets = {}, bracketAt = 0, BRACKET_MS = 5000;

  function loadBracket(tr) {
    bracketAt = Date.now();
    var xhr = new XMLHttpRequest();
    xhr.open("GET", tr.bracket);
    xhr.onload = function () {
      if (xhr.status !== 200) return;
      try { brackets[tr.id] = JSON.parse(xhr.responseText); } catch (e) { return; }
      if (current().id === tr.id) render();
    };
    xhr.send();
  }

  function roundLabel(name) {
    return t[name] || L.fmt(t.round_of, { n: String(name).split(" ").pop() });
  }

  function matchBox(m, firstRound) {
    if (m.status === "bye" && firstRound) return null;   // the team shows in round 2
    var box = L.el("div", "led-match " + m.status);
    [[m.a, m.score_a], [m.b, m.score_b]].forEach(function (x, i) {
      var side = x[0], line = L.el("div", "line");
      var bye = !side && m.status === "bye" && i === 1;
      line.appendChild(L.el("span", "side" + (side && m.winner === side.id ? " won" : ""),
                            side ? side.name : (bye ? t.bye : "—")));
      line.appendChild(L.el("span", "score", x[1] !== null && x[1] !== undefined ? x[1] : ""));
      box.appendChild(line);
    });
    return box;
  }

  function renderBracket(tr) {
    var view = brackets[tr.id], box = $("bracket");
    $("trade-name").textContent = tr.name;
    $("frozen-tag").hidden = true;
    $("reveal-tag").hidden = true;
    $("where").textContent = settings.trades.length > 1
      ? L.fmt(t.trade, { n: state.index + 1, count: settings.trades.length }) : "";
    footState();
    box.innerHTML = "";
    if (!view) { box.appendChild(L.el("div", "led-empty", t.connecting)); return; }
    $("trade-name").textContent = tr.name + " · " + view.stage;
    if (view.champion) {
      box.appendChild(L.el("div", "led-champion", "★ " + t.champion + " " + view.champion.name));
    }
    if (view.groups.length) {
      var groups = L.el("div", "led-groups");
      view.groups.forEach(function (g) {
        var sec = L.el("section", "led-group");
        sec.appendChild(L.el("h3", null, L.fmt(t.group, { g: g.name })));
        g.table.forEach(function (r) {
          var line = L.el("div", "line");
          line.appendChild(L.el("span", "rank", r.rank || ""));
          line.appendChild(L.el("span", "side", r.name));
          line.appendChild(L.el("span", "score", r.points + " " + t.pts));
          sec.appendChild(line);
        });
        groups.appendChild(sec);
      });
      box.appendChild(groups);
    }
    var rounds = view.rounds.slice();
    var finished = function (r) {
      return r.matches.every(function (m) { return m.status !== "pending"; });
    };
    var u = parseFloat(getComputedStyle(root).getPropertyValue("--u")) || 32;
    var room = Math.max(1, Math.floor((box.clientHeight || window.innerHeight / 2) / (u * 1.25)));
    while (rounds.length > 2 && finished(rounds[0])) rounds.shift();
    while (rounds.length > 1 && rounds[0].matches.length > room) rounds.shift();
    if (rounds.length) {
      var tree = L.el("div", "led-tree");
      rounds.forEach(function (r) {
        var col = L.el("div", "led-round"), list = L.el("div", "matches");
        col.appendChild(L.el("h3", null, roundLabel(r.name)));
        r.matches.forEach(function (m) {
          var b = matchBox(m, r.round === 1);
          if (b) list.appendChild(b);
        });
        col.appendChild(list);
        tree.appendChild(col);
      });
      if (view.third_place) {
        var third = L.el("div", "led-round"), one = L.el("div", "matches");
        third.appendChild(L.el("h3", null, t.third));
        one.appendChild(matchBox(view.third_place, false));
        third.appendChild(one);
        tree.appendChild(third);
      }
      box.appendChild(tree);
    }
  }

  /* ?layout=leaders (a trade with hundreds of contestants): no paging; the leaders at the
     top, then under 最新完成 the rows that changed last (most recent first), as seen by
     this screen since it opened (the leaders only, until the first change). */
  function renderLeaders(snap, list, now) {
    var n = state.perPage, byKey = {};
    snap.rows.forEach(function (r) { byKey[r.key] = r; });
    var ranked = snap.rows.filter(function (r) { return r.rank !== null; });
    var room = n > 3 ? Math.max(1, Math.floor((n - 1) * 0.4)) : 0;
    var recent = (state.latest[current().id] || []).filter(function (k) { return byKey[k]; });
    var top = {};   // those among the leaders anyway are not listed twice
    ranked.slice(0, n - 1 - Math.min(room, recent.length))
      .forEach(function (r) { top[r.key] = true; });
    var latest = recent.filter(function (k) { return !top[k]; }).slice(0, room);
    var lead = ranked.slice(0, n - (latest.length ? latest.length + 1 : 0));
    lead.forEach(function (r) { list.appendChild(row(r, now)); });
    if (latest.length) {
      list.appendChild(L.el("li", "led-row led-section", t.latest));
      latest.forEach(function (k) { list.appendChild(row(byKey[k], now)); });
    }
    if (!lead.length && !latest.length) list.appendChild(L.el("li", "led-empty", t.waiting));
    $("where").textContent = L.fmt(t.leaders, { n: lead.length, total: ranked.length }) +
      (settings.trades.length > 1
        ? " · " + L.fmt(t.trade, { n: state.index + 1, count: settings.trades.length }) : "");
  }

  function hiddenRow() {
    var li = L.el("li", "led-row hidden-row");
    [["rank", "?"], ["name", "? ? ?"], ["employer", ""], ["total", "—"], ["award", ""]]
      .forEach(function (c) { li.appendChild(L.el("span", c[0], c[1])); });
    return li;
  }

  /* A team's row (供电公司队, 示例县供电公司): the employer only repeats the name, so the
     name takes the employer column's room too instead of being cut (汽车运输…). */
  function repeatsName(name, employer) {
    if (!name || !employer) return false;
    var core = name.replace(/(代表队|队)$/, "");
    return employer === name || name.indexOf(employer) >= 0 ||
      (core.length >= 2 && employer.indexOf(core) >= 0);
  }

  function row(r, now) {
    var x = L.rowText(r, t);
    var wide = repeatsName(x.name, x.employer);
    var li = L.el("li", "led-row" + (x.unranked ? " unranked" : "") +
                  (r.rank && r.rank <= 3 ? " r" + r.rank : ""));
    li.setAttribute("data-key", r.key);
    var flash = state.flash[r.key];
    if (flash && flash.until > now) {
      li.className += " flash " + flash.kind;
      // a re-drawn row (the next page, a later update) continues its highlight, not anew
      li.style.animationDelay = -(now - (flash.until - FLASH_MS)) + "ms";
    }
    if (state.revealedKey === r.key) li.className += " revealed";
    li.appendChild(L.el("span", "rank", x.rank));
    var name = L.el("span", "name" + (wide ? " wide" : ""), x.name);
    if (flash && flash.until > now && (flash.kind === "up" || flash.kind === "down")) {
      name.appendChild(L.el("span", "move " + flash.kind, flash.kind === "up" ? "▲" : "▼"));
    }
    li.appendChild(name);
    if (!wide) li.appendChild(L.el("span", "employer", x.employer));
    li.appendChild(L.el("span", "total", x.total));
    li.appendChild(L.el("span", "award" + (r.award_level ? " a" + r.award_level : ""),
                        x.award || x.title));
    return li;
  }

  function onUpdate(id, snap, moved, before) {
    state.snaps[id] = snap;
    if (before && !snap.reveal) {   // the latest finishers, for ?layout=leaders
      var latest = state.latest[id] || [];
      snap.rows.forEach(function (r) {   // its own result changed (not passed by others)
        if (!moved[r.key] || !(r.changed || r.moved === "new")) return;
        latest = latest.filter(function (k) { return k !== r.key; });
        latest.unshift(r.key);
      });
      state.latest[id] = latest.slice(0, LATEST_KEEP);
    }
    if (id !== current().id) return;
    var now = Date.now(), first = null;
    if (snap.reveal) {
      var grew = !before || !before.reveal || snap.reveal.count > before.reveal.count;
      state.revealedKey = grew && snap.rows.length ? snap.rows[0].key : state.revealedKey;
    } else {
      state.revealedKey = null;
      snap.rows.forEach(function (r, i) {
        if (moved[r.key]) {
          state.flash[r.key] = { kind: moved[r.key], until: now + FLASH_MS };
          if (first === null) first = i;
        }
      });
      if (first !== null && before && settings.layout !== "leaders") {   // show the page with the best row that moved
        state.page = Math.floor(first / state.perPage);
        state.nextPageAt = now + Math.max(settings.pageSeconds, FLASH_MS / 1000) * 1000;
      }
    }
    render();
  }

  /* Every trade of a rotation is shown for ?seconds= (its first pages: the leaders come
     first), then the next one, however long its list; a ceremony reveal holds the screen.
     Within a trade the pages turn every ?page= seconds. */
  function tick() {
    var now = Date.now(), snap = state.snaps[current().id];
    if (current().bracket && now - bracketAt >= BRACKET_MS) loadBracket(current());
    if (snap && snap.reveal && !current().bracket) return;
    if (settings.rotateSeconds && settings.trades.length > 1 &&
        now - state.shownSince >= settings.rotateSeconds * 1000) {
      state.index = (state.index + 1) % settings.trades.length;
      state.page = 0;
      state.shownSince = now;
      state.nextPageAt = now + settings.pageSeconds * 1000;
      if (current().bracket) loadBracket(current());
      render();
      return;
    }
    if (now < state.nextPageAt || current().bracket || settings.layout === "leaders") return;
    var rows = snap ? displayRows(snap).length : 0;
    var pages = Math.max(1, Math.ceil(rows / state.perPage));
    state.page = (state.page + 1) % pages;
    state.nextPageAt = now + settings.pageSeconds * 1000;
    render();
  }

  /* The footer says the screen's one state in the badge's words: 实时 only while the
     standings are live; 成绩已冻结 or 颁奖揭晓 n/m otherwise (its dot in the badge's colour);
     连接中断 whatever the state when the connection is lost. */
  function footState() {
    var snap = state.snaps[current().id];
    var bracket = !!current().bracket;
    var frozen = !bracket && !!(snap && snap.frozen && !snap.reveal);
    var reveal = !bracket && !!(snap && snap.reveal);
    root.classList.toggle("state-frozen", frozen);
    root.classList.toggle("state-reveal", reveal);
    $("conn").textContent = !state.online ? t.offline
      : reveal ? L.fmt(t.reveal, snap.reveal) : frozen ? t.frozen : t.live;
  }

  function status(ok) {
    state.online = ok;
    root.classList.toggle("offline", !ok);
    $("lost").hidden = ok;
    footState();
  }

  var live = new L.LiveStandings(settings.trades.map(function (x) { return x.id; }),
                                 { update: onUpdate, status: status });
  window.ledScreen = { state: state, live: live, settings: settings };
  window.addEventListener("resize", fit);
  setInterval(tick, 500);
  if (current().bracket) loadBracket(current());
  fit();
})();
