/* Judge tablet: surviving a reload without network. Plain JS.
 *
 * Over HTTPS (the venue's own certificate authority, installed on the tablet from
 * /venue/) the page is a secure context: a service worker (/judge/sw.js, scope /judge/)
 * keeps the judge's pages and their scripts, and a reload or a reopened tab without
 * network shows the heat from that copy; the queue and the sheet as last known are in
 * localStorage (judge_queue.js, judge.js).
 *
 * Over plain http (http://192.168.1.10:5000) browsers give no service worker. Then the
 * page kept open works on offline, and a reload or a tap on a link while the server is
 * out of reach asks first (the browser's "leave this page?" dialog): the browser would
 * show its own error page instead. The marks stay in localStorage either way and are
 * sent on the next load of any judge page.
 */
(function () {
  'use strict';

  var Q = window.judgeQueue;
  var bar = document.getElementById('sync-bar');
  if (!Q || !bar) { return; }
  var t = Q.t;
  var SW = bar.getAttribute('data-sw');
  var SCOPE = bar.getAttribute('data-sw-scope') || '/judge/';
  var CACHE = 'judge-tablet-v1';
  var capable = !!(SW && window.isSecureContext && 'serviceWorker' in navigator);
  bar.classList.toggle('offline-capable', capable);

  var VENUE = bar.getAttribute('data-venue');   // this server offers HTTPS too
  function note() {
    var el = document.getElementById('offline-note');
    if (el) {
      el.textContent = capable ? t('offline_ready') : t('offline_http');
      if (!capable && VENUE) {
        var a = document.createElement('a');
        a.href = VENUE;
        a.id = 'venue-link';
        a.className = 'button venue-link';
        a.textContent = t('venue_link');
        el.appendChild(document.createElement('br'));
        el.appendChild(a);
      }
    }
    if (!capable && !Q.reachable()) {
      var sync = document.getElementById('sync-note');
      if (sync) { sync.textContent = t('keep_open'); }
    }
  }
  Q.on('changed', note);

  if (capable) {
    // another judge signed in on this tablet (a QR code, without signing out): the copies
    // of the previous judge's pages go before this judge's are kept
    var owner = Q.load('judge.cache.owner', null);
    var cleared = owner !== null && owner !== Q.user && window.caches ?
      caches.delete(CACHE) : Promise.resolve();
    cleared.then(function () {
      Q.save('judge.cache.owner', Q.user);
      return navigator.serviceWorker.register(SW, {scope: SCOPE});
    }).then(function () {
      return navigator.serviceWorker.ready;
    }).then(precache).catch(function () { /* no worker: the page still works while open */ });
  }

  /* Put this page, the judge's start page and the scripts and styles in the cache when
     they are not there yet (a page loaded before the worker took over was not kept by it).
     A page fetched again here is told (judge-page-cached) when that copy was drawn, so
     the sheet kept in localStorage counts as newer than it. */
  function precache() {
    if (!window.caches || navigator.onLine === false) { return; }
    var urls = [location.href.split('#')[0], bar.getAttribute('data-home') || SCOPE];
    document.querySelectorAll('script[src]').forEach(function (s) { urls.push(s.src); });
    document.querySelectorAll('link[rel="stylesheet"]').forEach(function (l) {
      urls.push(l.href);
    });
    caches.open(CACHE).then(function (cache) {
      urls.forEach(function (url) {
        cache.match(url, {ignoreVary: true}).then(function (hit) {
          if (!hit) { keep(cache, url, url === urls[0]); }
        });
      });
    });
  }
  function keep(cache, url, isThisPage) {
    fetch(url, {credentials: 'same-origin'}).then(function (r) {
      if (!r.ok || r.redirected) { return; }
      if (isThisPage) {
        r.clone().text().then(function (html) {
          var m = /data-rendered="(\d+)"/.exec(html);
          if (m) {
            document.dispatchEvent(new CustomEvent('judge-page-cached',
                                                   {detail: {rendered: Number(m[1])}}));
          }
        });
      }
      return cache.put(url, r);
    }).catch(function () { /* offline again: next time */ });
  }

  /* plain http: a reload while the server is out of reach would lose the page */
  window.addEventListener('beforeunload', function (ev) {
    if (capable || Q.reachable() || leaving) { return; }
    ev.preventDefault();
    ev.returnValue = '';
  });

  /* signing out with marks still on the tablet: say so first; the cached pages of this
     judge are removed (the next judge on this tablet must not see them offline) */
  var leaving = false;
  document.querySelectorAll('form[action$="/auth/logout"]').forEach(function (f) {
    f.addEventListener('submit', function (ev) {
      var n = Q.queue().length;
      if (navigator.onLine === false) {
        // signing out needs the server: without a connection the browser would show its
        // own error page instead of the marks
        ev.preventDefault();
        window.alert(t('offline_logout'));
        return;
      }
      if (n && !window.confirm(t('unsent_logout').replace('{n}', String(n)))) {
        ev.preventDefault();
        return;
      }
      leaving = true;
      if (window.caches && !f.getAttribute('data-cache-cleared')) {
        ev.preventDefault();
        var go = function () { f.setAttribute('data-cache-cleared', '1'); f.submit(); };
        caches.delete(CACHE).then(go, go);
      }
    });
  });
}());
