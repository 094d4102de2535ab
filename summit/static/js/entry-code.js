// The entry code page: keep it for offline use (a service worker scoped to this page only)
// and keep the screen awake while it is shown, where the browser allows.
(function () {
  "use strict";
  var page = document.querySelector("[data-entry-worker]");
  if (!page) { return; }
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(page.getAttribute("data-entry-worker"),
                                     {scope: page.getAttribute("data-entry-scope")})
      .then(function () { page.setAttribute("data-offline-ready", "true"); })
      .catch(function () { /* the page still works online */ });
  }
  if (navigator.wakeLock && navigator.wakeLock.request) {
    navigator.wakeLock.request("screen").catch(function () {});
  }
})();
