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

// Rooming list: drag a guest onto a room's row, or pick a guest with Enter (or a click) and
// choose the room in the form; either way the form posts, so the server checks the rules.
(function () {
  "use strict";
  var form = document.getElementById("assign-form");
  if (!form) { return; }
  var person = document.getElementById("assign-person");
  var room = document.getElementById("assign-room");
  document.querySelectorAll("button.guest").forEach(function (guest) {
    guest.addEventListener("dragstart", function (event) {
      event.dataTransfer.setData("text/plain", guest.getAttribute("data-person"));
    });
    guest.addEventListener("click", function () {
      person.value = guest.getAttribute("data-person");
      room.focus();
    });
  });
  document.querySelectorAll("tr[data-room]").forEach(function (row) {
    row.addEventListener("dragover", function (event) { event.preventDefault(); });
    row.addEventListener("drop", function (event) {
      event.preventDefault();
      person.value = event.dataTransfer.getData("text/plain");
      room.value = row.getAttribute("data-room");
      form.submit();
    });
  });
})();
