/* A venue's LED screen (/screen/venue/<name>): the LED page over the trades running at the
   venue. Every 30 s it asks which trades those are now and reloads when a heat has started
   or been signed off (the set changed). Loaded by templates/screen/led.html and by the
   idle page when settings.venue is given. */
(function () {
  "use strict";
  var root = document.getElementById("led") || document.getElementById("venue-idle");
  if (!root) { return; }
  var settings = JSON.parse(root.getAttribute("data-settings") || "{}");
  var venue = settings.venue;
  if (!venue || !venue.state) { return; }
  var shown = (venue.codes || []).join(",");
  function check() {
    fetch(venue.state, { cache: "no-store", credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (s) {
        if (s && s.trades.join(",") !== shown) { window.location.reload(); }
      }, function () { /* offline: try again later */ });
  }
  window.venueScreenCheck = check;
  setInterval(check, (venue.every || 30) * 1000);
})();
