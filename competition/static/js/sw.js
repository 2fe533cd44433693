/* Service worker of the judge's tablet (served as /judge/sw.js, scope /judge/; only over
 * HTTPS: browsers give none to plain http on a LAN address).
 *
 * Pages under /judge/ and the static files they load: network first (the server's answer
 * is kept as the copy), the kept copy when the network fails or does not answer within
 * a few seconds. Nothing else is touched: POSTs (marks, sheets, sign-out), the JSON API
 * (the tablet keeps the sheet it knows in localStorage; a stale API answer from a cache
 * would look like the server's), Socket.IO, sign-in pages.
 */
'use strict';

var CACHE = 'judge-tablet-v1';
var WAIT_MS = 4000;
var SCOPE_PATH = new URL(self.registration.scope).pathname;

self.addEventListener('install', function () { self.skipWaiting(); });
self.addEventListener('activate', function (event) {
  event.waitUntil(self.clients.claim());
});

function kept(request) {
  return caches.open(CACHE).then(function (cache) {
    return cache.match(request, {ignoreVary: true});
  });
}

function offlinePage() {
  var html = '<!doctype html><meta charset="utf-8">' +
    '<meta name="viewport" content="width=device-width, initial-scale=1">' +
    '<title>没有网络 · No network</title>' +
    '<body style="font:1.2rem/1.6 sans-serif;margin:2rem;max-width:40rem">' +
    '<h1>没有网络</h1><p>本页面还没有保存在这台平板上。已录入的评分仍保存在平板上，' +
    '网络恢复后请刷新本页，评分会自动发送。</p>' +
    '<p lang="en">No network, and this page has not been kept on this tablet yet. ' +
    'Marks already entered stay on the tablet; reload when the network is back and ' +
    'they are sent.</p>' +
    '<p><a href="' + SCOPE_PATH + '">我的场次 · My heats</a></p></body>';
  return new Response(html, {status: 503,
    headers: {'Content-Type': 'text/html; charset=utf-8'}});
}

function networkFirst(request, isPage) {
  return caches.open(CACHE).then(function (cache) {
    var network = fetch(request).then(function (response) {
      // a redirect to the sign-in page is not the judge's page: do not keep it
      if (response.ok && !response.redirected) { cache.put(request, response.clone()); }
      return response;
    });
    var timeout = new Promise(function (resolve) {
      setTimeout(function () { resolve(null); }, WAIT_MS);
    });
    // the first of: the network's answer, or the kept copy after WAIT_MS (a server that
    // does not answer at all); a network error gives the kept copy at once
    return Promise.race([network, timeout.then(function () {
      return kept(request).then(function (copy) { return copy || network; });
    })]).catch(function () {
      return kept(request).then(function (copy) {
        if (copy) { return copy; }
        if (isPage) { return offlinePage(); }
        return Response.error();
      });
    });
  });
}

self.addEventListener('fetch', function (event) {
  var request = event.request;
  if (request.method !== 'GET') { return; }
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  var isPage = request.mode === 'navigate';
  if (isPage && url.pathname.indexOf(SCOPE_PATH) === 0) {
    event.respondWith(networkFirst(request, true));
  } else if (!isPage && url.pathname.indexOf('/static/') === 0) {
    event.respondWith(networkFirst(request, false));
  }
});
