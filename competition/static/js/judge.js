/* Judge tablet: score form and an offline-safe queue of marks. Plain JS, no framework.
 *
 * Venues serve plain http on a LAN address: an insecure context. So: no
 * crypto.randomUUID, no service workers; crypto.getRandomValues and localStorage work.
 *
 * Every mark gets a client id and goes into a queue in localStorage before anything is
 * sent. The queue is sent in order, one mark at a time; a mark leaves the queue only when
 * the server answers that it is stored (201/200). A refused mark (4xx with a reason) moves
 * to a "refused" list the judge sees. Network errors and 5xx keep the mark queued; the
 * queue is retried on 'online', on a timer with backoff, and when the page becomes
 * visible. The server treats a repeated client id as the same submission.
 */
(function () {
  'use strict';

  var bar = document.getElementById('sync-bar');
  if (!bar) { return; }
  var USER = Number(bar.getAttribute('data-user'));
  var API_MARKS = bar.getAttribute('data-api-marks') || '/api/marks';
  var API_CSRF = bar.getAttribute('data-api-csrf') || '/api/csrf-token';
  var LOGIN = bar.getAttribute('data-login') || '/auth/login';
  var T = readJSON('judge-strings') || {};
  var QKEY = 'judge.queue.v1.' + USER;
  var RKEY = 'judge.refused.v1.' + USER;
  var csrfMeta = document.querySelector('meta[name="csrf-token"]');
  var csrf = csrfMeta ? csrfMeta.getAttribute('content') : '';

  function readJSON(id) {
    var el = document.getElementById(id);
    if (!el) { return null; }
    try { return JSON.parse(el.textContent); } catch (e) { return null; }
  }
  function t(key) { return T[key] || key; }

  /* ---- storage: localStorage, or memory if the browser refuses (private mode) ---- */
  var memory = {};
  var storageOk = true;
  function load(key) {
    try {
      var text = window.localStorage.getItem(key);
      return text ? JSON.parse(text) : [];
    } catch (e) { return memory[key] || []; }
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

  /* ---- the queue ---- */
  function queue() { return load(QKEY); }
  function keyOf(item) { return item.entry_id + '|' + item.criterion + '#' + item.attempt; }

  function enqueue(items) {
    var q = queue();
    items.forEach(function (item) {
      // An unsent, not-in-flight mark for the same slot is replaced by the newer value.
      q = q.filter(function (old) {
        return !(keyOf(old) === keyOf(item) && old.cid !== inFlight);
      });
      q.push(item);
    });
    save(QKEY, q);
    render();
  }
  function removeQueued(cid) {
    save(QKEY, queue().filter(function (item) { return item.cid !== cid; }));
  }
  function updateQueued(cid, fields) {
    var q = queue();
    q.forEach(function (item) { if (item.cid === cid) { Object.assign(item, fields); } });
    save(QKEY, q);
  }
  function refuse(item, message) {
    removeQueued(item.cid);
    var r = load(RKEY);
    item.error = message;
    r.push(item);
    save(RKEY, r);
    if (app) { app.onRefused(item); }
  }

  var inFlight = null;
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

  function post(item) {
    var controller = typeof AbortController === 'function' ? new AbortController() : null;
    var timer = controller ? setTimeout(function () { controller.abort(); }, 15000) : null;
    return fetch(API_MARKS, {
      method: 'POST', credentials: 'same-origin', cache: 'no-store',
      headers: {'Content-Type': 'application/json', 'Accept': 'application/json',
                'X-CSRFToken': csrf},
      body: JSON.stringify({client_id: item.cid, judge_id: item.judge_id,
                            entry_id: item.entry_id, criterion: item.criterion,
                            attempt: item.attempt, value: item.value}),
      signal: controller ? controller.signal : undefined
    }).then(function (response) {
      if (timer) { clearTimeout(timer); }
      return response.json().catch(function () { return {}; }).then(function (body) {
        return {status: response.status, body: body || {}};
      });
    }, function (err) {
      if (timer) { clearTimeout(timer); }
      throw err;
    });
  }

  function sendOne(item) {
    return post(item).then(function (res) {
      if (res.status === 200 || res.status === 201) {
        removeQueued(item.cid);
        if (app && res.body.mark) { app.onStored(item, res.body.mark); }
        return 'next';
      }
      if (res.status === 400 && res.body.field === 'csrf_token') {
        return renewCsrf().then(function (ok) { return ok ? 'next' : 'wait'; });
      }
      if (res.status === 401) { signedOut = true; return 'stop'; }
      if (res.status >= 400 && res.status < 500 && res.body.error) {
        refuse(item, res.body.error);
        return 'next';
      }
      updateQueued(item.cid, {lastError: 'HTTP ' + res.status});
      return 'wait';
    }, function () {
      updateQueued(item.cid, {lastError: t('no_connection')});
      return 'wait';
    });
  }

  function renewCsrf() {
    return fetch(API_CSRF, {credentials: 'same-origin', cache: 'no-store'})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (body) {
        if (body && body.csrf_token) { csrf = body.csrf_token; return true; }
        return false;
      }, function () { return false; });
  }

  /* ---- the status bar and the lists ---- */
  var $ = function (id) { return document.getElementById(id); };

  function describe(item) {
    // item.shown: the value as the judge saw it (✓ Done, 12:30); older queues lack it
    return t('lot') + ' ' + (item.lot || '?') + ' · ' + (item.label || item.criterion) +
      ' = ' + (item.shown || item.value);
  }

  function render() {
    var q = queue();
    var refused = load(RKEY);
    var online = navigator.onLine !== false && lastOutcome !== 'wait';
    var net = $('net-state');
    net.textContent = signedOut ? t('signed_out') : (online ? t('online') : t('offline'));
    bar.classList.toggle('is-offline', !online);
    bar.classList.toggle('is-signed-out', signedOut);
    bar.classList.toggle('has-unsent', q.length > 0);
    $('unsent-count').textContent = String(q.length);
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
        (item.lastError ? t('waiting') + ' (' + item.lastError + ')' : t('waiting'));
      li.appendChild(state);
      list.appendChild(li);
    });
    var rlist = $('rejected-list');
    rlist.textContent = '';
    $('rejected-title').hidden = refused.length === 0;
    refused.forEach(function (item, index) {
      var li = document.createElement('li');
      li.className = 'refused';
      li.textContent = describe(item) + ': ' + item.error + ' ';
      var dismiss = document.createElement('button');
      dismiss.type = 'button';
      dismiss.textContent = t('dismiss');
      dismiss.addEventListener('click', function () {
        var r = load(RKEY);
        r.splice(index, 1);
        save(RKEY, r);
        render();
      });
      li.appendChild(dismiss);
      rlist.appendChild(li);
    });
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
    if (app) { app.refreshProgress(); }
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

  /* signing out with marks still on the tablet: say so first */
  document.querySelectorAll('form[action$="/auth/logout"]').forEach(function (f) {
    f.addEventListener('submit', function (ev) {
      var n = queue().length;
      if (navigator.onLine === false) {
        // signing out needs the server: without a connection the browser would show its
        // own error page instead of the marks
        ev.preventDefault();
        window.alert(t('offline_logout'));
        return;
      }
      if (n && !window.confirm(t('unsent_logout').replace('{n}', String(n)))) {
        ev.preventDefault();
      }
    });
  });

  function togglePanel(show) {
    var panel = $('sync-panel');
    panel.hidden = show === undefined ? !panel.hidden : !show;
    $('unsent-toggle').setAttribute('aria-expanded', String(!panel.hidden));
  }
  $('unsent-toggle').addEventListener('click', function () { togglePanel(); });
  $('rejected-toggle').addEventListener('click', function () { togglePanel(true); });

  window.addEventListener('online', function () { backoff = 2000; lastOutcome = ''; flush(); });
  window.addEventListener('offline', render);
  document.addEventListener('visibilitychange', function () {
    if (document.visibilityState === 'visible') { flush(); }
  });
  window.addEventListener('storage', function (e) { if (e.key === QKEY || e.key === RKEY) { render(); } });
  setInterval(flush, 20000);

  /* ---- the score form (heat page only) ---- */
  var app = null;
  var root = document.getElementById('judge-app');
  var sheet = readJSON('sheet-data');
  if (root && sheet) { app = scoreForm(root, sheet); }

  function scoreForm(root, sheet) {
    var form = $('score-form');
    var slots = Array.prototype.slice.call(form.querySelectorAll('.slot'));
    var tiles = Array.prototype.slice.call(root.querySelectorAll('.entry-tile'));
    var entries = {};
    sheet.entries.forEach(function (e) { entries[e.id] = e; });
    var required = [];
    sheet.criteria.forEach(function (c) {
      c.slots.forEach(function (s) {
        if (!s.required) { return; }
        for (var a = 1; a <= s.attempts; a++) { required.push(s.address + '#' + a); }
      });
    });
    var current = null;
    var dirty = {};
    var locked = !!sheet.heat.locked;

    function queuedValues(entryId) {
      var out = {};
      queue().forEach(function (item) {
        if (item.entry_id === entryId) { out[item.criterion + '#' + item.attempt] = item.value; }
      });
      return out;
    }
    function effective(entryId) {
      return Object.assign({}, entries[entryId].marks, queuedValues(entryId));
    }
    function missing(entryId) {
      var have = effective(entryId);
      return required.filter(function (k) { return have[k] === undefined || have[k] === ''; });
    }

    function valueInput(slot) { return slot.querySelector('.slot-value'); }
    function setSlot(slot, value) {
      var input = valueInput(slot);
      input.value = value === undefined || value === null ? '' : String(value);
      // a stored time is seconds; show it as the judge types it (m:ss), same precision
      if (slot.getAttribute('data-input') === 'time' && /^\d+(\.\d+)?$/.test(input.value)) {
        input.value = formatTime(input.value);
      }
      syncChoices(slot);
      echoTime(slot);
    }
    function syncChoices(slot) {
      var value = valueInput(slot).value;
      slot.querySelectorAll('.choice').forEach(function (b) {
        var on = value !== '' && Number(b.getAttribute('data-value')) === Number(value);
        b.setAttribute('aria-pressed', on ? 'true' : 'false');
      });
    }
    function echoTime(slot) {
      var echo = slot.querySelector('.time-echo');
      if (!echo) { return; }
      var parsed = parseValue(slot, valueInput(slot).value);
      var shown = parsed.ok && parsed.value !== '' ? formatTime(parsed.value) : '';
      // "= 2:05" only when the judge typed seconds; not beside "2:05" itself
      echo.textContent = shown && shown !== valueInput(slot).value.trim() ? '= ' + shown : '';
    }
    function showError(slot, message) {
      var p = slot.querySelector('.slot-error');
      p.textContent = message || '';
      p.hidden = !message;
      slot.classList.toggle('has-error', !!message);
    }

    function select(entryId, skipCheck) {
      if (!skipCheck && current !== null && Object.keys(dirty).length && !locked) {
        if (window.confirm(t('unsaved'))) { if (!saveForm()) { return; } }
      }
      current = entryId;
      dirty = {};
      var e = entries[entryId];
      var values = effective(entryId);
      var pending = queuedValues(entryId);
      slots.forEach(function (slot) {
        var key = slot.getAttribute('data-key');
        setSlot(slot, values[key]);
        showError(slot, '');
        slot.classList.toggle('pending', pending[key] !== undefined);
      });
      form.querySelectorAll('[data-field]').forEach(function (el) {
        var f = el.getAttribute('data-field');
        if (f === 'lot') { el.textContent = e.lot_number || ''; }
        if (f === 'workstation') { el.textContent = e.workstation || ''; }
        if (f === 'name') { el.textContent = e.name || ''; }
        if (f === 'employer') { el.textContent = e.employer || ''; }
      });
      tiles.forEach(function (tile) {
        tile.setAttribute('aria-pressed', String(Number(tile.getAttribute('data-entry')) === entryId));
      });
      $('panel-empty').hidden = true;
      form.hidden = false;
      message('');
      refreshProgress();
      if (window.matchMedia && window.matchMedia('(max-width: 899px)').matches) {
        form.scrollIntoView({block: 'start'});
      } else {
        form.parentNode.scrollTop = 0;
      }
    }

    function message(text, kind) {
      var m = $('form-message');
      m.textContent = text;
      m.className = 'form-message' + (kind ? ' ' + kind : '');
    }

    /* decimals as scaled integers: no float surprises with steps like 0.1 */
    function decimals(s) { var i = s.indexOf('.'); return i < 0 ? 0 : s.length - i - 1; }
    function scaled(s, k) { return Math.round(Number(s) * Math.pow(10, k)); }
    function parseValue(slot, raw) {
      var input = slot.getAttribute('data-input');
      var text = String(raw).trim().replace(',', '.').replace('：', ':');
      if (text === '') { return {ok: true, value: ''}; }
      var value = text;
      if (input === 'time') {
        var m = /^(\d+):([0-5]?\d(?:\.\d+)?)$/.exec(text);
        if (m) {
          var secs = Number(m[1]) * 60 + Number(m[2]);
          var k0 = decimals(m[2]);
          value = secs.toFixed(k0);
        } else if (!/^\d+(\.\d+)?$/.test(text)) {
          return {ok: false, error: t('not_time')};
        }
      } else if (!/^-?\d+(\.\d+)?$/.test(text)) {
        return {ok: false, error: t('not_number')};
      }
      var min = slot.getAttribute('data-min'), max = slot.getAttribute('data-max');
      var step = slot.getAttribute('data-step');
      var k = Math.max(decimals(value), decimals(min || '0'), decimals(max || '0'),
                       decimals(step || '0'));
      var v = scaled(value, k);
      if (min !== '' && v < scaled(min, k)) { return {ok: false, error: t('below_min') + ' ' + min}; }
      if (max !== '' && v > scaled(max, k)) { return {ok: false, error: t('above_max') + ' ' + max}; }
      if (step !== '' && (v - scaled(min || '0', k)) % scaled(step, k) !== 0) {
        return {ok: false, error: t('off_step') + ' ' + step};
      }
      return {ok: true, value: value};
    }
    function formatTime(seconds) {
      var s = Number(seconds);
      var m = Math.floor(s / 60);
      var rest = s - m * 60;
      var r = rest.toFixed(decimals(String(seconds)));   // keep every decimal: 65.25 -> 1:05.25
      return m + ':' + (rest < 10 ? '0' : '') + r;
    }
    function shownValue(slot, value) {
      var input = slot.getAttribute('data-input');
      if (input === 'time') { return formatTime(value); }
      var chosen = slot.querySelector('.choice[aria-pressed="true"]');
      return input === 'check' && chosen ? chosen.textContent.trim() : value;
    }
    function same(a, b) {
      if (a === undefined || a === null || a === '') { return b === undefined || b === null || b === ''; }
      if (b === undefined || b === null || b === '') { return false; }
      return Number(a) === Number(b);
    }

    function saveForm() {
      if (current === null || locked) { return false; }
      var e = entries[current];
      var known = effective(current);
      var items = [];
      var firstBad = null;
      slots.forEach(function (slot) {
        var key = slot.getAttribute('data-key');
        var input = slot.getAttribute('data-input');
        var raw = valueInput(slot).value;
        var parsed = parseValue(slot, raw);
        if (!parsed.ok) { showError(slot, parsed.error); firstBad = firstBad || slot; return; }
        showError(slot, '');
        var value = parsed.value;
        if (value === '' && input === 'violation' && known[key] === undefined) { return; }
        if (value === '') {
          if (known[key] !== undefined && known[key] !== '') {
            showError(slot, t('cannot_clear'));
            firstBad = firstBad || slot;
          }
          return;
        }
        if (input === 'violation' && known[key] === undefined && Number(value) === 0) { return; }
        if (same(value, known[key])) { return; }
        items.push({cid: clientId(), judge_id: USER, heat_id: sheet.heat.id, entry_id: current,
                    criterion: slot.getAttribute('data-address'),
                    attempt: Number(slot.getAttribute('data-attempt')), value: value,
                    lot: e.lot_number, label: slot.getAttribute('data-label'),
                    shown: shownValue(slot, value),
                    at: new Date().toISOString()});
      });
      if (firstBad) {
        message(t('fix_errors'), 'bad');
        var focus = firstBad.querySelector('input:not([type=hidden])') || firstBad.querySelector('button');
        if (focus) { focus.focus(); }
        return false;
      }
      dirty = {};
      if (!items.length) { message(t('nothing_changed')); return true; }
      enqueue(items);
      slots.forEach(function (slot) {
        var key = slot.getAttribute('data-key');
        if (items.some(function (i) { return i.criterion + '#' + i.attempt === key; })) {
          slot.classList.add('pending');
        }
      });
      message(t('saved_local') + ' (' + items.length + ')', 'ok');
      flush();
      return true;
    }

    function refreshProgress() {
      var summary = [];
      tiles.forEach(function (tile) {
        var id = Number(tile.getAttribute('data-entry'));
        var gaps = missing(id);
        var pending = Object.keys(queuedValues(id)).length;
        var el = tile.querySelector('[data-progress]');
        el.textContent = gaps.length ? t('missing') + ' ' + gaps.length : '✓ ' + t('complete');
        tile.classList.toggle('complete', !gaps.length);
        tile.classList.toggle('has-pending', pending > 0);
        if (gaps.length) { summary.push([id, entries[id].lot_number, gaps.length]); }
      });
      var box = $('missing-summary');
      if (box) {
        box.textContent = '';
        summary.forEach(function (s) {
          var chip = document.createElement('button');
          chip.type = 'button';
          chip.className = 'chip';
          chip.textContent = s[1] + ' · ' + t('missing') + ' ' + s[2];
          chip.addEventListener('click', function () { select(s[0]); });
          box.appendChild(chip);
        });
      }
      if (current !== null) {
        var gaps = missing(current);
        var state = form.querySelector('[data-field="state"]');
        state.textContent = locked ? t('locked') : (gaps.length ? t('missing') + ': ' + gaps.length : '✓ ' + t('complete'));
        state.classList.toggle('complete', !locked && !gaps.length);
      }
    }

    /* input events: choices, steppers, typing */
    form.addEventListener('click', function (ev) {
      var button = ev.target.closest('button');
      if (!button || locked) { return; }
      var slot = button.closest('.slot');
      if (!slot) { return; }
      var input = valueInput(slot);
      if (button.classList.contains('choice')) {
        input.value = button.getAttribute('data-value');
      } else if (button.hasAttribute('data-step-dir')) {
        var dir = Number(button.getAttribute('data-step-dir'));
        var step = slot.getAttribute('data-step') || '1';
        var k = Math.max(decimals(step), decimals(input.value || '0'));
        var base = input.value === '' ? (dir > 0 ? (slot.getAttribute('data-min') || '0') : '0') : input.value;
        var next = input.value === '' && dir > 0 && slot.getAttribute('data-input') !== 'violation' &&
          slot.getAttribute('data-input') !== 'count' ? scaled(base, k)
          : scaled(base, k) + dir * scaled(step, k);
        var min = slot.getAttribute('data-min'), max = slot.getAttribute('data-max');
        if (min !== '' && next < scaled(min, k)) { next = scaled(min, k); }
        if (max !== '' && next > scaled(max, k)) { next = scaled(max, k); }
        input.value = (next / Math.pow(10, k)).toFixed(k);
      } else { return; }
      dirty[slot.getAttribute('data-key')] = true;
      showError(slot, '');
      syncChoices(slot);
    });
    form.addEventListener('input', function (ev) {
      var slot = ev.target.closest('.slot');
      if (!slot) { return; }
      dirty[slot.getAttribute('data-key')] = true;
      var parsed = parseValue(slot, ev.target.value);
      showError(slot, parsed.ok ? '' : parsed.error);
      echoTime(slot);
    });
    form.addEventListener('submit', function (ev) { ev.preventDefault(); saveForm(); });
    $('next-entry').addEventListener('click', function () {
      var ids = tiles.map(function (tile) { return Number(tile.getAttribute('data-entry')); });
      var i = ids.indexOf(current);
      if (i >= 0 && i + 1 < ids.length) { select(ids[i + 1]); return; }
      // past the last lot: back to the first lot still missing marks, or say so
      if (Object.keys(dirty).length && !locked && !saveForm()) { return; }
      var gap = ids.filter(function (id) { return id !== current && missing(id).length; })[0];
      if (gap !== undefined) {
        select(gap, true);
        message(t('back_to_missing'), 'bad');
      } else if (!missing(current).length) {
        message(t('last_lot'), 'ok');
      }
    });
    tiles.forEach(function (tile) {
      tile.addEventListener('click', function () { select(Number(tile.getAttribute('data-entry'))); });
    });
    document.querySelectorAll('.js-time').forEach(function (el) {
      el.textContent = formatTime(el.getAttribute('data-seconds'));
    });
    function lock() {
      locked = true;
      root.classList.add('is-locked');
      form.querySelectorAll('input, button').forEach(function (el) { el.disabled = true; });
      var banner = document.getElementById('locked-banner');
      if (banner) { banner.hidden = false; }
      refreshProgress();
    }
    if (locked) { lock(); }

    /* Now and then, when nothing is waiting, re-read the sheet: the chief judge may have
       signed the heat off or corrected a mark since the page was loaded. */
    function refreshSheet() {
      if (!root.getAttribute('data-sheet-url') || queue().length || inFlight || signedOut ||
          navigator.onLine === false) { return; }
      fetch(root.getAttribute('data-sheet-url'), {credentials: 'same-origin', cache: 'no-store'})
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (fresh) {
          if (!fresh || queue().length) { return; }
          fresh.entries.forEach(function (e) {
            if (entries[e.id]) { entries[e.id].marks = e.marks; }
          });
          var known = Object.keys(entries).sort().join(',');
          var now = fresh.entries.map(function (e) { return String(e.id); }).sort().join(',');
          if (known !== now) { entriesChanged(); }
          if (current !== null && !Object.keys(dirty).length) {
            var values = effective(current);
            slots.forEach(function (slot) { setSlot(slot, values[slot.getAttribute('data-key')]); });
          }
          if (fresh.heat.locked && !locked) { lock(); }
          refreshProgress();
        }, function () { /* offline: try later */ });
    }
    /* A contestant seated (or moved) by the organiser after this page was loaded: the
       tiles are drawn by the server, so offer a reload; nothing is waiting to be sent
       (refreshSheet only runs with an empty queue), so a reload loses nothing. */
    function entriesChanged() {
      var banner = document.getElementById('entries-changed-banner');
      if (!banner || !banner.hidden) { return; }
      banner.hidden = false;
      document.getElementById('entries-changed-reload').addEventListener('click', function () {
        window.location.reload();
      });
    }
    setInterval(refreshSheet, 60000);
    window.addEventListener('online', function () { setTimeout(refreshSheet, 3000); });

    return {
      refreshProgress: refreshProgress,
      onStored: function (item, mark) {
        var e = entries[mark.entry_id];
        if (!e) { return; }
        e.marks[mark.criterion + '#' + mark.attempt] = mark.value;
        if (mark.entry_id === current) {
          var slot = form.querySelector('.slot[data-key="' + mark.criterion + '#' + mark.attempt + '"]');
          var stillQueued = queuedValues(current)[mark.criterion + '#' + mark.attempt] !== undefined;
          if (slot && !stillQueued) {
            slot.classList.remove('pending');
            if (!dirty[slot.getAttribute('data-key')]) { setSlot(slot, mark.value); }
          }
        }
      },
      onRefused: function (item) {
        if (item.entry_id !== current) { return; }
        var slot = form.querySelector('.slot[data-key="' + item.criterion + '#' + item.attempt + '"]');
        if (slot) {
          slot.classList.remove('pending');
          showError(slot, item.error);
          var stored = entries[current].marks[item.criterion + '#' + item.attempt];
          setSlot(slot, stored);
        }
      }
    };
  }

  render();
  flush();
}());
