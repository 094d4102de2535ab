// Pick-ups page: refresh each passenger's status (picked up, no show) every few seconds.
(function () {
  "use strict";
  var board = document.getElementById("transfers");
  if (!board) { return; }
  var url = board.getAttribute("data-status-url");
  function refresh() {
    fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (body) {
        if (!body) { return; }
        board.querySelectorAll("[data-passenger]").forEach(function (cell) {
          var status = body.statuses[cell.getAttribute("data-passenger")];
          if (status && cell.getAttribute("data-status") !== status) {
            cell.setAttribute("data-status", status);
            cell.textContent = body.labels[status];
          }
        });
      })
      .catch(function () { /* offline for a moment: the next tick tries again */ });
  }
  window.setInterval(refresh, 3000);
})();

// Meals page: served against expected, refreshed every few seconds.
(function () {
  "use strict";
  var table = document.getElementById("meals");
  if (!table) { return; }
  var url = table.getAttribute("data-served-url");
  window.setInterval(function () {
    fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (body) {
        if (!body) { return; }
        body.items.forEach(function (item) {
          var cell = table.querySelector('[data-meal="' + item.id + '"]');
          if (cell) { cell.textContent = String(item.served); }
        });
      })
      .catch(function () { /* the next tick tries again */ });
  }, 3000);
})();
