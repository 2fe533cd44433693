/* Judge tablet: the score form of a heat. Plain JS, no framework.
 *
 * judge_queue.js (loaded first) keeps what the judge saves and sends it; this file draws
 * the form, checks values against the slot's bounds, and hands a lot's changed marks to
 * the queue as one submission (保存评分). The sheet as the tablet last knew it (marks the
 * server stored since the page was drawn) is kept in localStorage, so a page that comes
 * from the tablet's cache (judge_offline.js: the service worker, HTTPS only) shows the
 * marks stored since, not the ones of the cached copy.
 */
(function () {
  'use strict';

  var Q = window.judgeQueue;
  if (!Q) { return; }
  var t = Q.t;
  var $ = function (id) { return document.getElementById(id); };

  function scoreForm(root, sheet) {
    var form = $('score-form');
    var slots = Array.prototype.slice.call(form.querySelectorAll('.slot'));
    var tiles = Array.prototype.slice.call(root.querySelectorAll('.entry-tile'));
    var rendered = Number(root.getAttribute('data-rendered')) || 0;
    var LKEY = 'judge.sheet.v1.' + Q.user + '.' + sheet.heat.id;
    var kept = Q.load(LKEY, null);
    var fromCache = !!(kept && kept.marks && kept.base >= rendered);
    if (fromCache) {
      // this page is the tablet's copy (drawn before the marks stored since): use them
      sheet.entries.forEach(function (e) { if (kept.marks[e.id]) { e.marks = kept.marks[e.id]; } });
      if (kept.locked) { sheet.heat.locked = true; }
    }
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

    function keepSheet(base) {
      var marks = {};
      Object.keys(entries).forEach(function (id) { marks[id] = entries[id].marks; });
      kept = {base: Math.max(base || 0, (kept && kept.base) || 0, rendered), marks: marks,
              locked: locked};
      Q.save(LKEY, kept);
    }
    function slotOf(m) {
      return form.querySelector('.slot[data-key="' + m.criterion + '#' + m.attempt + '"]');
    }
    /* the slots a refusal names: a sheet is refused as a whole, naming the mark at
       fault (criterion, attempt); a single mark names itself */
    function blamed(item) {
      var marks = Q.marksOf(item);
      var b = item.blame;
      var named = b ? marks.filter(function (m) {
        return m.criterion === b.criterion && Number(m.attempt) === Number(b.attempt || 1);
      }) : [];
      return named.length ? named : marks;
    }

    function queuedValues(entryId) {
      var out = {};
      Q.queue().forEach(function (item) {
        if (item.entry_id !== entryId) { return; }
        Q.marksOf(item).forEach(function (m) { out[m.criterion + '#' + m.attempt] = m.value; });
      });
      return out;
    }
    function asideEntries() {
      var out = {};
      Q.setAside().forEach(function (item) { out[item.entry_id] = true; });
      return out;
    }
    function effective(entryId) {
      return Object.assign({}, entries[entryId].marks, queuedValues(entryId));
    }
    /* 回避: criteria this judge does not mark for this entry (the chief gave them to a
       substitute, or this judge marks them only as someone's substitute) */
    function skipped(entryId, key) {
      var skip = (entries[entryId] && entries[entryId].skip) || [];
      return skip.indexOf(key.split('#')[0].split('@')[0].split('.')[0]) >= 0;
    }
    function missing(entryId) {
      var have = effective(entryId);
      var e = entries[entryId];
      var gaps = required.filter(function (k) {
        return !skipped(entryId, k) && (have[k] === undefined || have[k] === '');
      });
      // the spread limit: this judge's mark is outside and unchanged since the server said so
      Object.keys(e.remark || {}).forEach(function (k) {
        if (e.remark[k].mine && same(have[k], e.marks[k]) && gaps.indexOf(k) < 0) { gaps.push(k); }
      });
      return gaps;
    }
    /* Another judge's value of a one-mark criterion: shown, read-only, with who entered it
       (only they or the chief judge change it). A mark the spread limit asks to re-mark:
       said beside it, with who must re-mark. */
    function noteSlot(slot, e) {
      var key = slot.getAttribute('data-key');
      var who = e.taken && e.taken[key];
      var r = !who && e.remark ? e.remark[key] : null;
      var text = '';
      if (who) {
        text = t('taken_by').replace('{who}', who);
      } else if (r) {
        text = t(r.mine ? 'remark_mine' : 'remark_other').replace('{spread}', r.spread)
          .replace('{limit}', r.limit).replace('{who}', r.outside.join(t('list_sep')));
      }
      var note = slot.querySelector('.slot-note');
      if (note) { note.textContent = text; note.hidden = !text; }
      slot.classList.toggle('is-taken', !!who);
      slot.classList.toggle('needs-remark', !!r);
      if (!locked) {
        slot.querySelectorAll('input, button').forEach(function (el) { el.disabled = !!who; });
      }
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
      form.querySelectorAll('fieldset.crit[data-criterion]').forEach(function (fs) {
        fs.hidden = skipped(entryId, fs.getAttribute('data-criterion'));
      });
      slots.forEach(function (slot) {
        var key = slot.getAttribute('data-key');
        setSlot(slot, values[key]);
        showError(slot, '');
        slot.classList.toggle('pending', pending[key] !== undefined);
        noteSlot(slot, e);
      });
      form.querySelectorAll('[data-field]').forEach(function (el) {
        var f = el.getAttribute('data-field');
        if (f === 'lot') { el.textContent = e.lot_number || ''; }
        if (f === 'workstation') { el.textContent = e.workstation || ''; }
        if (f === 'name') { el.textContent = e.name || ''; }
        if (f === 'employer') { el.textContent = e.employer || ''; }
        if (f === 'aside') { el.textContent = (e.aside || []).join(' '); el.hidden = !(e.aside || []).length; }
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
        if (skipped(current, key)) { return; }
        if (e.taken && e.taken[key]) { return; }    // another judge's: read-only here
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
        items.push({criterion: slot.getAttribute('data-address'),
                    attempt: Number(slot.getAttribute('data-attempt')), value: value,
                    label: slot.getAttribute('data-label'), shown: shownValue(slot, value)});
      });
      if (firstBad) {
        message(t('fix_errors'), 'bad');
        var focus = firstBad.querySelector('input:not([type=hidden])') || firstBad.querySelector('button');
        if (focus) { focus.focus(); }
        return false;
      }
      dirty = {};
      if (!items.length) { message(t('nothing_changed')); return true; }
      Q.submit({entry_id: current, heat_id: sheet.heat.id, lot: e.lot_number}, items);
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
      var aside = asideEntries();
      tiles.forEach(function (tile) {
        var id = Number(tile.getAttribute('data-entry'));
        var gaps = missing(id);
        var pending = Object.keys(queuedValues(id)).length;
        var el = tile.querySelector('[data-progress]');
        el.textContent = gaps.length ? t('missing') + ' ' + gaps.length : '✓ ' + t('complete');
        tile.classList.toggle('complete', !gaps.length);
        tile.classList.toggle('has-pending', pending > 0);
        tile.classList.toggle('has-refused', !!aside[id]);
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
      if (!root.getAttribute('data-sheet-url') || Q.busy() || Q.signedOut() ||
          navigator.onLine === false) { return; }
      var served = 0;
      fetch(root.getAttribute('data-sheet-url'), {credentials: 'same-origin', cache: 'no-store'})
        .then(function (r) {
          served = Date.parse(r.headers.get('Date') || '') || 0;
          return r.ok ? r.json() : null;
        })
        .then(function (fresh) {
          if (!fresh || Q.busy()) { return; }
          fresh.entries.forEach(function (e) {
            if (entries[e.id]) {
              entries[e.id].marks = e.marks;
              entries[e.id].taken = e.taken || {};
              entries[e.id].remark = e.remark || {};
            }
          });
          var known = Object.keys(entries).sort().join(',');
          var now = fresh.entries.map(function (e) { return String(e.id); }).sort().join(',');
          if (known !== now) { entriesChanged(); }
          if (current !== null && !Object.keys(dirty).length) {
            var values = effective(current);
            slots.forEach(function (slot) {
              setSlot(slot, values[slot.getAttribute('data-key')]);
              noteSlot(slot, entries[current]);
            });
          }
          if (fresh.heat.locked && !locked) { lock(); }
          keepSheet(Math.max(served, rendered + 1));
          if (copyBanner) { copyBanner.hidden = true; }   // the server's sheet again
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
    var soon = null;     // after a mark is stored: who else entered, is a re-mark still needed
    function refreshSoon() {
      if (soon) { clearTimeout(soon); }
      soon = setTimeout(function () { soon = null; refreshSheet(); }, 1500);
    }
    window.addEventListener('online', function () { setTimeout(refreshSheet, 3000); });

    Q.on('changed', refreshProgress);
    Q.on('stored', function (item, mark) {
      var e = entries[mark.entry_id];
      if (!e) { return; }
      var key = mark.criterion + '#' + mark.attempt;
      e.marks[key] = mark.value;
      keepSheet();
      if (e.remark && e.remark[key]) { refreshSoon(); }
      if (mark.entry_id !== current) { return; }
      var slot = slotOf(mark);
      if (slot && queuedValues(current)[key] === undefined) {
        slot.classList.remove('pending');
        if (!dirty[key]) { setSlot(slot, mark.value); }
      }
    });
    Q.on('refused', function (item) {
      if (item.entry_id !== current) { return; }
      Q.marksOf(item).forEach(function (m) {
        var slot = slotOf(m);
        if (!slot) { return; }
        slot.classList.remove('pending');
        setSlot(slot, entries[current].marks[m.criterion + '#' + m.attempt]);
      });
      blamed(item).forEach(function (m) {
        var slot = slotOf(m);
        if (slot) { showError(slot, item.error); }
      });
      message(t('set_aside_here'), 'bad');
    });
    /* 修改: the set-aside values back in the form, unsaved, the field at fault marked */
    Q.on('edit', function (item) {
      if (!entries[item.entry_id] && item.heat_id && item.heat_id !== sheet.heat.id) {
        Q.openHeat(item);
        return false;
      }
      if (locked || !entries[item.entry_id]) { return false; }
      if (current !== item.entry_id) { select(item.entry_id); }
      if (current !== item.entry_id) { return false; }
      Q.marksOf(item).forEach(function (m) {
        var slot = slotOf(m);
        if (!slot) { return; }
        setSlot(slot, m.value);
        dirty[m.criterion + '#' + m.attempt] = true;
      });
      var first = null;
      blamed(item).forEach(function (m) {
        var slot = slotOf(m);
        if (slot) { showError(slot, item.error); first = first || slot; }
      });
      Q.togglePanel(false);
      message(t('edit_set_aside'), 'bad');
      var focus = first && (first.querySelector('input:not([type=hidden])') ||
                            first.querySelector('button'));
      if (focus) { focus.focus(); }
      return true;
    });

    keepSheet(fromCache ? 0 : rendered);
    // judge_offline.js fetched this page again for the tablet's copy: the sheet kept here
    // (this page's marks and every one stored since) is at least as new as that copy
    document.addEventListener('judge-page-cached', function (ev) {
      keepSheet(ev.detail.rendered);
    });
    var copyBanner = $('offline-copy-banner');
    if (copyBanner) { copyBanner.hidden = !fromCache; }
    // 修改 on another page brought the judge here (#edit=<client id>)
    var asked = /^#edit=([A-Za-z0-9_-]+)$/.exec(location.hash);
    if (asked) {
      history.replaceState(null, '', location.pathname + location.search);
      setTimeout(function () { Q.edit(asked[1]); }, 0);
    }
    return {select: select};
  }


  var root = $('judge-app');
  var sheet = Q.readJSON('sheet-data');
  if (root && sheet) { scoreForm(root, sheet); }
  Q.render();
  Q.flush();
}());
