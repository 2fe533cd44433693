/* Judge tablet: the offline-safe queue of submissions and the sync bar. Plain JS.
 *
 * Venues serve plain http on a LAN address: an insecure context. So: no
 * crypto.randomUUID; crypto.getRandomValues and localStorage work there.
 *
 * A submission is one mark (a correction of a single mark) or a contestant's sheet (the
 * marks saved together by 保存评分, sent as ONE request when the server offers
 * /api/sheets). Each gets a client id (names that one content forever) and a seq number
 * (increasing per judge, across reloads: the server keeps the newest of a slot). It goes
 * into a queue in localStorage before anything is sent; the queue is sent in order, one
 * submission at a time, and an item leaves it only when the server answers that it is
 * stored (2xx).
 *
 * A submission the server refuses (4xx with {"error", "field"}) or cannot take (500 three
 * times, with backoff) is SET ASIDE: it leaves the queue, the judge sees it with the
 * server's reason, and the rest of the queue goes on. The judge edits and resends it, or
 * discards it. Network errors, timeouts, 502/503/504 and 429 are "not reachable now": the
 * item stays at the head and the queue waits (on 'online', a timer with backoff, or when
 * the page becomes visible).
 */
(function () {
  'use strict';

  var bar = document.getElementById('sync-bar');
  if (!bar) { return; }
  var USER = Number(bar.getAttribute('data-user'));
  var API_MARKS = bar.getAttribute('data-api-marks') || '/api/marks';
  var API_SHEETS = bar.getAttribute('data-api-sheets') || '';
  var API_CSRF = bar.getAttribute('data-api-csrf') || '/api/csrf-token';
  var LOGIN = bar.getAttribute('data-login') || '/auth/login';
  var HOME = bar.getAttribute('data-home') || '/judge/';
  var T = readJSON('judge-strings') || {};
  var QKEY = 'judge.queue.v1.' + USER;
  var RKEY = 'judge.refused.v1.' + USER;
  var SKEY = 'judge.seq.v1.' + USER;
  var MAX_500 = 3;
  var csrfMeta = document.querySelector('meta[name="csrf-token"]');
  var csrf = csrfMeta ? csrfMeta.getAttribute('content') : '';
  var hooks = {stored: [], refused: [], changed: [], edit: []};

  function readJSON(id) {
    var el = document.getElementById(id);
    if (!el) { return null; }
    try { return JSON.parse(el.textContent); } catch (e) { return null; }
  }
  function t(key) { return T[key] || key; }
  function fire(name, a, b) { hooks[name].forEach(function (fn) { fn(a, b); }); }

  /* ---- storage: localStorage, or memory if the browser refuses (private mode) ---- */
  var memory = {};
  var storageOk = true;
  function load(key, fallback) {
    try {
      var text = window.localStorage.getItem(key);
      return text ? JSON.parse(text) : (fallback === undefined ? [] : fallback);
    } catch (e) {
      return memory[key] !== undefined ? memory[key] : (fallback === undefined ? [] : fallback);
    }
  }
  function save(key, value) {
    memory[key] = value;
    try { window.localStorage.setItem(key, JSON.stringify(value)); storageOk = true; }
    catch (e) { storageOk = false; }
  }

  /* ---- client ids: getRandomValues works in insecure contexts; randomUUID does not ---- */
  function clientId() {
    var c = window.crypto || window.msCrypto;
    if (c && typeof c.getRandomValues === 'function') {
      var bytes = new Uint8Array(16);
      c.getRandomValues(bytes);
      var out = '';
      for (var i = 0; i < bytes.length; i++) { out += (bytes[i] + 256).toString(16).slice(1); }
      return out;
    }
    return 'm' + Date.now().toString(36) + '-' + Math.random().toString(36).slice(2, 12) +
      Math.random().toString(36).slice(2, 12);
  }

  /* ---- seq: microseconds of the tablet's clock, never below the last one handed out
     here (kept in localStorage, so a reload or a clock set back cannot go backwards) ---- */
  function nextSeq() {
    var last = Number(load(SKEY, 0)) || 0;
    var seq = Math.max(Date.now() * 1000, last + 1);
    save(SKEY, seq);
    return seq;
  }

  /* ---- the queue ---- */
  function queue() { return load(QKEY); }
  function setAside() { return load(RKEY); }
  function slotKey(m) { return m.criterion + '#' + m.attempt; }
  /* the marks of a submission: a sheet has several, a single mark one (older queues
     hold single marks without a kind) */
  function marksOf(item) {
    if (item.kind === 'sheet') { return item.marks || []; }
    return [{criterion: item.criterion, attempt: item.attempt, value: item.value,
             note: item.note, label: item.label, shown: item.shown}];
  }

  var inFlight = null;

  /* Queue marks of one entry. ``marks``: [{criterion, attempt, value, label, shown}].
     More than one mark (and a server that takes sheets) makes one sheet submission. A
     queued submission not yet in flight that covers the same slots is replaced: its
     other marks move into the new submission (which gets a new client id and seq). */
  function submit(entry, marks) {
    var q = queue();
    var carried = [];
    var covered = {};
    marks.forEach(function (m) { covered[slotKey(m)] = true; });
    q = q.filter(function (old) {
      if (old.entry_id !== entry.entry_id || old.cid === inFlight) { return true; }
      var olds = marksOf(old);
      if (!olds.some(function (m) { return covered[slotKey(m)]; })) { return true; }
      olds.forEach(function (m) { if (!covered[slotKey(m)]) { carried.push(m); } });
      return false;
    });
    var all = carried.concat(marks);
    var base = {cid: clientId(), seq: nextSeq(), judge_id: USER, heat_id: entry.heat_id,
                entry_id: entry.entry_id, lot: entry.lot, at: new Date().toISOString()};
    if (all.length > 1 && API_SHEETS) {
      base.kind = 'sheet';
      base.marks = all;
      q.push(base);
    } else {
      all.forEach(function (m, i) {
        var item = Object.assign({}, base, {kind: 'mark', criterion: m.criterion,
          attempt: m.attempt, value: m.value, note: m.note, label: m.label, shown: m.shown});
        if (i > 0) { item.cid = clientId(); item.seq = nextSeq(); }
        q.push(item);
      });
    }
    save(QKEY, q);
    render();
    flush();
  }
  function removeQueued(cid) {
    save(QKEY, queue().filter(function (item) { return item.cid !== cid; }));
  }
  function updateQueued(cid, fields) {
    var q = queue();
    q.forEach(function (item) { if (item.cid === cid) { Object.assign(item, fields); } });
    save(QKEY, q);
  }
  function putAside(item, res) {
    removeQueued(item.cid);
    var r = setAside();
    item.error = (res.body && res.body.error) || t('server_error') + ' (HTTP ' + res.status + ')';
    item.field = (res.body && res.body.field) || null;
    item.status = res.status;
    // a sheet is refused as a whole, naming the mark at fault
    item.blame = res.body && res.body.criterion ?
      {criterion: res.body.criterion, attempt: res.body.attempt} : null;
    delete item.lastError;
    r.push(item);
    save(RKEY, r);
    fire('refused', item);
  }
  function takeAside(cid) {
    var r = setAside();
    var found = null;
    save(RKEY, r.filter(function (item) {
      if (item.cid === cid) { found = item; return false; }
      return true;
    }));
    return found;
  }
  /* the judge's choices for a set-aside submission */
  function resend(cid) {
    var item = takeAside(cid);
    if (!item) { return; }
    ['error', 'field', 'status', 'blame', 'tries500'].forEach(function (k) { delete item[k]; });
    var q = queue();
    q.push(item);                // same client id and seq: the same submission again
    save(QKEY, q);
    backoff = 2000;
    render();
    flush();
  }
  function discard(cid) {
    var item = takeAside(cid);
    render();
    if (item) { fire('changed', item); }
  }
  /* the form takes the values back (true) unless the judge stays on unsaved changes */
  function edit(cid) {
    var item = setAside().filter(function (i) { return i.cid === cid; })[0];
    if (!item) { return; }
    if (!hooks.edit.length) { openHeat(item); return; }    // the start page: no form here
    var taken = hooks.edit.some(function (fn) { return fn(item) === true; });
    if (taken) { takeAside(cid); render(); }
  }
  /* a set-aside submission of another heat: edit it on that heat's page */
  function openHeat(item) {
    if (item.heat_id) { window.location.href = HOME + 'heat/' + item.heat_id + '#edit=' + item.cid; }
  }

  var signedOut = false;
  var retryTimer = null;
  var backoff = 2000;
  var lastOutcome = '';

  function flush() {
    if (inFlight || signedOut) { render(); return; }
    var q = queue();
    if (!q.length) { lastOutcome = ''; render(); return; }
    var item = q[0];
    inFlight = item.cid;
    render();
    sendOne(item).then(function (outcome) {
      inFlight = null;
      lastOutcome = outcome;
      if (outcome === 'next') { backoff = 2000; flush(); return; }
      if (outcome === 'wait') { schedule(); }
      render();
    });
  }

  function schedule() {
    clearTimeout(retryTimer);
    retryTimer = setTimeout(flush, backoff);
    backoff = Math.min(backoff * 2, 30000);
  }

  function body(item) {
    if (item.kind === 'sheet') {
      return {client_id: item.cid, seq: item.seq, judge_id: item.judge_id,
              entry_id: item.entry_id,
              marks: item.marks.map(function (m) {
                var out = {criterion: m.criterion, attempt: m.attempt, value: m.value};
                if (m.note) { out.note = m.note; }
                return out;
              })};
    }
    var one = {client_id: item.cid, seq: item.seq, judge_id: item.judge_id,
               entry_id: item.entry_id, criterion: item.criterion, attempt: item.attempt,
               value: item.value};
    if (item.note) { one.note = item.note; }
    if (item.seq === undefined) { delete one.seq; }
    return one;
  }

  function post(item) {
    var controller = typeof AbortController === 'function' ? new AbortController() : null;
    var timer = controller ? setTimeout(function () { controller.abort(); }, 15000) : null;
    return fetch(item.kind === 'sheet' ? API_SHEETS : API_MARKS, {
      method: 'POST', credentials: 'same-origin', cache: 'no-store',
      headers: {'Content-Type': 'application/json', 'Accept': 'application/json',
                'X-CSRFToken': csrf},
      body: JSON.stringify(body(item)),
      signal: controller ? controller.signal : undefined
    }).then(function (response) {
      if (timer) { clearTimeout(timer); }
      return response.json().catch(function () { return {}; }).then(function (b) {
        return {status: response.status, body: b || {}};
      });
    }, function (err) {
      if (timer) { clearTimeout(timer); }
      throw err;
    });
  }

  function sendOne(item) {
    return post(item).then(function (res) {
      var s = res.status;
      if (s >= 200 && s < 300) {
        removeQueued(item.cid);
        var stored = res.body.marks || (res.body.mark ? [res.body.mark] : []);
        stored.forEach(function (mark) { fire('stored', item, mark); });
        fire('changed', item);
        return 'next';
      }
      if (s === 400 && res.body.field === 'csrf_token') {
        // a new token, then the same submission again (twice at most, then wait)
        var renewed = (item.csrfRenewed || 0) + 1;
        updateQueued(item.cid, {csrfRenewed: renewed, lastError: 'CSRF'});
        if (renewed > 2) { return 'wait'; }
        return renewCsrf().then(function (ok) { return ok ? 'next' : 'wait'; });
      }
      if (s === 401) { signedOut = true; return 'stop'; }
      // not reachable now (a proxy in front, a restart, a rate limit): wait, never refuse
      if (s === 429 || s === 408 || s === 502 || s === 503 || s === 504) {
        updateQueued(item.cid, {lastError: 'HTTP ' + s});
        return 'wait';
      }
      if (s >= 400 && s < 500) { putAside(item, res); return 'next'; }
      var tries = (item.tries500 || 0) + 1;
      if (tries >= MAX_500) { putAside(item, res); return 'next'; }
      updateQueued(item.cid, {tries500: tries, lastError: 'HTTP ' + s});
      return 'wait';
    }, function () {
      updateQueued(item.cid, {lastError: t('no_connection')});
      return 'wait';
    });
  }

  function renewCsrf() {
    return fetch(API_CSRF, {credentials: 'same-origin', cache: 'no-store'})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (b) {
        if (b && b.csrf_token) { csrf = b.csrf_token; return true; }
        return false;
      }, function () { return false; });
  }

  /* ---- the status bar and the lists ---- */
  var $ = function (id) { return document.getElementById(id); };

  function describeMark(m) {
    // m.shown: the value as the judge saw it (✓ Done, 12:30); older queues lack it
    return (m.label || m.criterion) + ' = ' + (m.shown || m.value);
  }
  function describe(item) {
    return t('lot') + ' ' + (item.lot || '?') + ' · ' + marksOf(item).map(describeMark).join('; ');
  }
  function button(text, cls, onClick) {
    var b = document.createElement('button');
    b.type = 'button';
    b.className = cls;
    b.textContent = text;
    b.addEventListener('click', onClick);
    return b;
  }

  function render() {
    var q = queue();
    var refused = setAside();
    var online = navigator.onLine !== false && lastOutcome !== 'wait';
    var net = $('net-state');
    net.textContent = signedOut ? t('signed_out') : (online ? t('online') : t('offline'));
    bar.classList.toggle('is-offline', !online);
    bar.classList.toggle('is-signed-out', signedOut);
    bar.classList.toggle('has-unsent', q.length > 0);
    $('unsent-count').textContent = String(q.reduce(function (n, item) {
      return n + marksOf(item).length;
    }, 0));
    $('rejected-count').textContent = String(refused.length);
    $('rejected-toggle').hidden = refused.length === 0;
    $('sync-note').textContent = !storageOk ? t('no_storage') : (inFlight ? t('sending') :
      (q.length ? '' : t('all_sent')));
    var list = $('unsent-list');
    list.textContent = '';
    if (!q.length) {
      var none = document.createElement('li');
      none.className = 'queue-empty';
      none.textContent = t('all_sent');
      list.appendChild(none);
    }
    q.forEach(function (item) {
      var li = document.createElement('li');
      li.textContent = describe(item);
      var state = document.createElement('span');
      state.className = 'queue-state';
      state.textContent = item.cid === inFlight ? t('sending') :
        (item.lastError ? t('waiting') + ' · ' + item.lastError : t('waiting'));
      li.appendChild(state);
      list.appendChild(li);
    });
    renderAside(refused);
    var others = otherJudgesUnsent();
    if (others) { $('sync-note').textContent = t('other_judge') + ' (' + others + ')'; }
    if (signedOut && !$('signin-again')) {
      var a = document.createElement('a');
      a.id = 'signin-again';
      a.className = 'button primary';
      a.href = LOGIN + '?next=' + encodeURIComponent(location.pathname);
      a.textContent = t('sign_in');
      bar.appendChild(a);
    }
    fire('changed', null);
  }

  function renderAside(refused) {
    var rlist = $('rejected-list');
    rlist.textContent = '';
    $('rejected-section').hidden = refused.length === 0;
    refused.forEach(function (item) {
      var li = document.createElement('li');
      li.className = 'refused';
      li.setAttribute('data-cid', item.cid);
      li.setAttribute('data-entry', item.entry_id);
      var what = document.createElement('span');
      what.className = 'refused-what';
      what.textContent = describe(item);
      var why = document.createElement('span');
      why.className = 'refused-why';
      why.textContent = item.error || '';
      var text = document.createElement('div');
      text.className = 'refused-text';
      text.appendChild(what);
      text.appendChild(why);
      var actions = document.createElement('div');
      actions.className = 'refused-actions';
      if (item.heat_id) {
        actions.appendChild(button(t('edit'), 'button primary js-edit',
                                   function () { edit(item.cid); }));
      }
      actions.appendChild(button(t('resend'), 'button js-resend',
                                 function () { resend(item.cid); }));
      actions.appendChild(button(t('discard'), 'button js-discard', function () {
        if (window.confirm(t('discard_confirm'))) { discard(item.cid); }
      }));
      li.appendChild(text);
      li.appendChild(actions);
      rlist.appendChild(li);
    });
  }

  /* marks queued on this tablet by a judge who has since signed out */
  function otherJudgesUnsent() {
    var n = 0;
    try {
      for (var i = 0; i < window.localStorage.length; i++) {
        var k = window.localStorage.key(i);
        if (k && k.indexOf('judge.queue.v1.') === 0 && k !== QKEY) { n += load(k).length; }
      }
    } catch (e) { return 0; }
    return n;
  }

  function togglePanel(show) {
    var panel = $('sync-panel');
    panel.hidden = show === undefined ? !panel.hidden : !show;
    $('unsent-toggle').setAttribute('aria-expanded', String(!panel.hidden));
  }
  $('unsent-toggle').addEventListener('click', function () { togglePanel(); });
  $('rejected-toggle').addEventListener('click', function () {
    togglePanel(true);
    $('rejected-section').scrollIntoView({block: 'nearest'});
  });
  var closer = $('sync-panel-close');
  if (closer) { closer.addEventListener('click', function () { togglePanel(false); }); }

  window.addEventListener('online', function () { backoff = 2000; lastOutcome = ''; flush(); });
  window.addEventListener('offline', render);
  document.addEventListener('visibilitychange', function () {
    if (document.visibilityState === 'visible') { flush(); }
  });
  window.addEventListener('storage', function (e) {
    if (e.key === QKEY || e.key === RKEY) { render(); }
  });
  setInterval(flush, 20000);

  window.judgeQueue = {
    user: USER, t: t, load: load, save: save, readJSON: readJSON,
    queue: queue, setAside: setAside, marksOf: marksOf, submit: submit,
    flush: flush, render: render, togglePanel: togglePanel, edit: edit, openHeat: openHeat,
    busy: function () { return !!inFlight || queue().length > 0; },
    signedOut: function () { return signedOut; },
    inFlight: function () { return inFlight; },
    on: function (name, fn) { hooks[name].push(fn); },
    /* what the server answered last: 'wait' means it could not be reached */
    reachable: function () { return navigator.onLine !== false && lastOutcome !== 'wait'; }
  };
}());
