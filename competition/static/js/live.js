/* Live standings client (LED screens, public results, the organiser's progress page).
 *
 * Joins the rooms of some trades and keeps one versioned snapshot per trade:
 *   "standings"       a full snapshot: taken if its version is not older than ours
 *   "standings_diff"  applied only if its base is our version; otherwise we ask "resync"
 * On every (re)connection we join again, and the server answers with fresh snapshots, so
 * nothing depends on having received every message. Plain ES5-ish code: venue PCs run
 * old browsers, and venue pages are served over plain http (no secure-context APIs).
 */
(function (global) {
  "use strict";

  /* Retry delays for a join the server could not serve (its database was unreachable):
     from the server's hint (retry_ms), doubling up to 30 s, with jitter so that a hall of
     screens does not come back in step. */
  function Backoff(firstMs, maxMs) {
    this.first = firstMs || 1000;
    this.max = maxMs || 30000;
    this.delay = 0;
  }
  Backoff.prototype.next = function (hintMs) {
    this.delay = Math.min(this.max, this.delay ? this.delay * 2 : (hintMs || this.first));
    return Math.round(this.delay * (0.75 + Math.random() * 0.5));
  };
  Backoff.prototype.reset = function () { this.delay = 0; };

  /* Emit "join" with `payload` until the server serves it: an "unavailable" answer is
     retried with backoff, as long as this connection lasts (a new connection joins
     afresh). `done(ack)` gets the final answer. */
  function joinWithRetry(socket, payload, done) {
    var backoff = new Backoff(), timer = null, id = socket.id;
    function attempt() {
      timer = null;
      if (!socket.connected || socket.id !== id) return;
      socket.emit("join", payload, function (ack) {
        if (ack && ack.error === "unavailable") {
          if (done) done(ack);
          timer = setTimeout(attempt, backoff.next(ack.retry_ms));
          return;
        }
        backoff.reset();
        if (done) done(ack || {});
      });
    }
    attempt();
    return { cancel: function () { if (timer) clearTimeout(timer); } };
  }

  function LiveStandings(tradeIds, handlers) {
    var self = this;
    this.snaps = {};
    this.handlers = handlers;
    this.connected = false;
    this.waiting = {};      // trade id -> true while the server cannot serve its join
    this.socket = global.io({ transports: ["websocket", "polling"], tryAllTransports: true,
                              reconnectionDelayMax: 5000 });
    this.socket.on("connect", function () {
      self.connected = true;
      self._status();
      tradeIds.forEach(function (id) { self._join(id); });
    });
    this.socket.on("disconnect", function () { self.connected = false; self._status(); });
    this.socket.on("connect_error", function () { self.connected = false; self._status(); });
    this.socket.on("standings", function (snap) { self._snapshot(snap); });
    this.socket.on("standings_diff", function (diff) { self._diff(diff); });
    // A message lost on the way (the server's message queue was down when the last change
    // was published) would leave a quiet screen behind for good: after a quiet while,
    // ask whether there is anything newer (the server answers only if there is).
    this.heard = {};
    setInterval(function () { self._check(); }, CHECK_MS / 3);
  }

  var CHECK_MS = 30000;

  LiveStandings.prototype._check = function () {
    var now = Date.now();
    for (var id in this.snaps) {
      if (!Object.prototype.hasOwnProperty.call(this.snaps, id)) continue;
      var quiet = now - (this.heard[id] || 0);
      if (!this.connected || quiet < CHECK_MS * (0.8 + Math.random() * 0.4)) continue;
      this.heard[id] = now;
      this.socket.emit("resync", { trade: Number(id), version: this.snaps[id].version });
    }
  };

  LiveStandings.prototype._join = function (id) {
    var self = this;
    joinWithRetry(this.socket, { trade: id }, function (ack) {
      var was = !!self.waiting[id];
      self.waiting[id] = ack.error === "unavailable";
      if (was !== self.waiting[id]) self._status();
    });
  };

  /* Live only when connected and every trade's join was served. */
  LiveStandings.prototype._status = function () {
    var waiting = false;
    for (var k in this.waiting) if (this.waiting[k]) waiting = true;
    if (this.handlers.status) this.handlers.status(this.connected && !waiting);
  };

  LiveStandings.prototype._snapshot = function (snap) {
    var id = snap.trade.id, cur = this.snaps[id];
    this.heard[id] = Date.now();
    if (cur && snap.version < cur.version) return;
    this.snaps[id] = snap;
    // A first snapshot (joining, or after a reload) highlights nothing.
    this.handlers.update(id, snap, cur ? movedKeys(snap.rows) : {}, cur || null);
  };

  LiveStandings.prototype._diff = function (diff) {
    var id = diff.trade_id, cur = this.snaps[id];
    this.heard[id] = Date.now();
    if (!cur || cur.version !== diff.base) {
      if (!cur || diff.version > cur.version) this.resync(id);
      return;
    }
    var byKey = {};
    cur.rows.forEach(function (r) { r.moved = null; r.changed = false; byKey[r.key] = r; });
    diff.rows.forEach(function (r) { byKey[r.key] = r; });
    var next = {};
    for (var k in cur) if (Object.prototype.hasOwnProperty.call(cur, k)) next[k] = cur[k];
    next.version = diff.version;
    next.updated_at = diff.updated_at;
    next.rows = diff.order.map(function (key) { return byKey[key]; }).filter(Boolean);
    if (next.rows.length !== diff.order.length) { this.resync(id); return; }
    this.snaps[id] = next;
    this.handlers.update(id, next, movedKeys(diff.rows), cur);
  };

  LiveStandings.prototype.resync = function (id) {
    var self = this;
    this.socket.emit("resync", { trade: id }, function (ack) {
      if (ack && ack.error === "unavailable") self._join(id);   // retried with backoff
    });
  };

  function movedKeys(rows) {
    var out = {};
    rows.forEach(function (r) { if (r.moved || r.changed) out[r.key] = r.moved || "changed"; });
    return out;
  }

  function fmt(template, values) {
    return template.replace(/\{(\w+)\}/g, function (m, k) {
      return values[k] === undefined ? m : values[k];
    });
  }

  function clock(iso) {
    var d = iso ? new Date(iso) : new Date();
    /* the competition's time zone (<html data-timezone>), not the device's clock */
    var tz = document.documentElement.getAttribute("data-timezone");
    if (tz && window.Intl) {
      try {
        return new Intl.DateTimeFormat("en-GB", { timeZone: tz, hour: "2-digit",
          minute: "2-digit", second: "2-digit", hourCycle: "h23" }).format(d);
      } catch (e) { /* an unknown zone: the device's clock below */ }
    }
    function two(n) { return (n < 10 ? "0" : "") + n; }
    return two(d.getHours()) + ":" + two(d.getMinutes()) + ":" + two(d.getSeconds());
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  }

  /* What a row shows, shared by the LED page and the public page. */
  function rowText(r, t) {
    var unranked = r.rank === null || r.rank === undefined;
    return {
      rank: unranked ? "—" : String(r.rank),
      name: r.name || (r.lot ? fmt(t.lot, { lot: r.lot }) : ""),
      employer: r.employer || "",
      total: r.noshow ? (t.noshow || t.absent) : r.status === "absent" ? t.absent
        : r.status === "disqualified" ? t.disqualified : (r.total || ""),
      award: r.award || "",
      title: (r.titles || []).join(" "),
      unranked: unranked
    };
  }

  /* The public results table (templates/public/results.html). */
  function LiveResults(root) {
    var t = JSON.parse(root.getAttribute("data-i18n"));
    var tradeId = Number(root.getAttribute("data-trade"));
    var body = root.querySelector("tbody"), status = root.querySelector("[data-status]");
    var updated = root.querySelector("[data-updated]");
    var frozen = root.querySelector("[data-frozen]");
    var online = false;
    // one state in one wording: 实时 only while live; the 成绩已冻结 badge says it otherwise
    function say() {
      status.textContent = !online ? t.offline : frozen.hidden ? t.live : "";
      status.hidden = !status.textContent;
    }
    new LiveStandings([tradeId], {
      status: function (ok) {
        online = ok;
        say();
        root.classList.toggle("offline", !ok);
      },
      update: function (id, snap, moved) {
        updated.textContent = fmt(t.updated, { time: clock(snap.updated_at) });
        frozen.hidden = !snap.frozen;
        say();
        // tell the page (its team ranking follows the standings' version)
        var ev = document.createEvent("Event");
        ev.initEvent("live-standings", false, false);
        ev.version = snap.version;
        root.dispatchEvent(ev);
        body.textContent = "";
        snap.rows.forEach(function (r) {
          var x = rowText(r, t), tr = el("tr", x.unranked ? "unranked" : "");
          if (moved[r.key]) tr.classList.add("flash");
          tr.appendChild(el("td", "num rank", x.rank));
          var who = el("td", "who");
          who.appendChild(el("div", "name", x.name));
          if (x.employer) who.appendChild(el("div", "employer", x.employer));
          tr.appendChild(who);
          tr.appendChild(el("td", "num total", x.total));
          var award = el("td", "award", x.award);
          if (x.title) award.appendChild(el("div", "title", x.title));
          tr.appendChild(award);
          body.appendChild(tr);
        });
      }
    });
  }

  /* The organiser's progress table (templates/screen/admin_live.html). */
  function LiveProgress(root) {
    var t = JSON.parse(root.getAttribute("data-i18n"));
    var socket = global.io({ transports: ["websocket", "polling"], tryAllTransports: true,
                             auth: { view: "admin" } });
    var status = root.querySelector("[data-status]"), refused = new Backoff();
    global.Live.progressSocket = socket;     // for the browser tests, as window.ledScreen
    socket.on("connect", function () {
      refused.reset();
      joinWithRetry(socket, { admin: Number(root.getAttribute("data-competition")) },
                    function (ack) {
                      status.textContent = ack.error === "unavailable" ? t.offline : t.live;
                    });
    });
    socket.on("disconnect", function () { status.textContent = t.offline; });
    socket.on("connect_error", function () {
      status.textContent = t.offline;
      // Refused by the server (it could not check the sign-in while its database was
      // unreachable): socket.io does not retry that on its own.
      if (!socket.active) setTimeout(function () { socket.connect(); }, refused.next());
    });
    socket.on("progress", function (p) {
      var row = document.getElementById("trade-" + p.trade_id);
      if (!row) return;
      var changed = row.getAttribute("data-version") !== String(p.version);
      var pct = p.expected ? Math.round(100 * p.marks / p.expected) : 0;
      row.querySelector("[data-marks]").textContent = p.marks + " / " + p.expected;
      row.querySelector("[data-bar]").style.width = pct + "%";
      row.querySelector("[data-heats]").textContent = p.heats_locked + " / " + p.heats;
      row.setAttribute("data-version", String(p.version));
      row.querySelector("[data-state]").textContent =
        p.reveal_count !== null
          ? t.reveal + " " + Math.min(p.reveal_count, p.reveal_total) + "/" + p.reveal_total
          : p.frozen ? t.frozen : t.live;
      if (!changed) return;
      row.querySelector("[data-last-change]").textContent = clock();
      row.classList.add("flash");
      setTimeout(function () { row.classList.remove("flash"); }, 1500);
    });
  }

  /* Fetch this page again and hand the element matching `selector` in it to `done`: for
     a section the server renders (a bracket, a team ranking) that is swapped in whole. */
  function refetch(selector, done) {
    var xhr = new XMLHttpRequest();
    xhr.open("GET", location.pathname + location.search);
    xhr.onload = function () {
      if (xhr.status !== 200) return;
      var fresh = new DOMParser().parseFromString(xhr.responseText, "text/html")
        .querySelector(selector);
      if (fresh) done(fresh);
    };
    xhr.send();
  }

  global.Live = { LiveStandings: LiveStandings, LiveResults: LiveResults,
                  Backoff: Backoff, joinWithRetry: joinWithRetry,
                  LiveProgress: LiveProgress, fmt: fmt, clock: clock, el: el, rowText: rowText,
                  refetch: refetch };

  document.addEventListener("DOMContentLoaded", function () {
    var results = document.querySelector("[data-live-results]");
    if (results) LiveResults(results);
    var progress = document.querySelector("[data-live-progress]");
    if (progress) LiveProgress(progress);
  });
})(window);
