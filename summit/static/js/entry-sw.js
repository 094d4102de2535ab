// Service worker of one delegate's entry code page (registered with that page as its scope):
// the page and its style are kept, so the code still shows with no network at the gate.
"use strict";
var CACHE = "summit-entry-v1";
var PAGE = new URL("./entry", self.registration.scope).href;
var ASSETS = [self.registration.scope.replace(/\/registrations\/.*$/, "/static/css/summit.css")];

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    return cache.addAll([new Request(PAGE, {credentials: "same-origin"})].concat(ASSETS));
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(self.clients.claim());
});

// The network first (a reissued badge must show its new code); the kept copy when offline.
self.addEventListener("fetch", function (event) {
  if (event.request.method !== "GET") { return; }
  event.respondWith(fetch(event.request).then(function (response) {
    if (response.ok && response.type === "basic") {
      var copy = response.clone();
      caches.open(CACHE).then(function (cache) { cache.put(event.request, copy); });
    }
    return response;
  }).catch(function () {
    return caches.match(event.request, {ignoreSearch: true}).then(function (kept) {
      return kept || Response.error();
    });
  }));
});
