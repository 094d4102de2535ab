// The desk and the kiosk: follow print jobs until the printer has finished them.
(function () {
  "use strict";
  function follow(element, show) {
    var url = element.getAttribute("data-url");
    var tries = 0;
    function ask() {
      fetch(url, {headers: {"Accept": "application/json"}, credentials: "same-origin"})
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (job) {
          if (!job) { return; }
          show(job);
          if (job.status !== "done" && job.status !== "failed" && ++tries < 120) {
            setTimeout(ask, 500);
          }
        });
    }
    ask();
  }
  document.querySelectorAll("tr[data-job][data-finished=no]").forEach(function (row) {
    follow(row, function (job) {
      row.querySelector(".state").textContent = job.status_label + (job.error ? ": " + job.error : "");
      row.querySelector(".printer").textContent = job.printer || "—";
      if (job.status === "failed") { setTimeout(function () { location.reload(); }, 300); }
    });
  });
  var kiosk = document.getElementById("kiosk-state");
  if (kiosk) {
    follow(kiosk, function (job) {
      kiosk.textContent = job.status_label + (job.error ? ": " + job.error : "");
    });
  }
})();
