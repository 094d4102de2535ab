// Progressive enhancements only: every page works without this file.
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var button = event.submitter || event.target.querySelector("[data-confirm]");
    var message = button && button.getAttribute("data-confirm");
    if (message && !window.confirm(message)) {
      event.preventDefault();
    }
  });
  document.addEventListener("DOMContentLoaded", function () {
    var toggle = document.querySelector(".nav-toggle");
    var nav = document.getElementById("main-nav");
    // A form sent back with errors: bring their summary into view (a phone shows only the
    // top of a long form) and move the focus there so screen readers read it.
    var summary = document.querySelector("[data-error-summary]");
    if (summary) {
      summary.scrollIntoView({block: "start"});
      summary.focus();
    }
    // The staff menu stays open on wide screens and collapses on a phone.
    if (window.matchMedia && window.matchMedia("(min-width: 40.01rem)").matches) {
      document.querySelectorAll("details[data-open-wide]").forEach(function (menu) {
        menu.open = true;
      });
    }
    if (toggle && nav) {
      toggle.addEventListener("click", function () {
        var open = nav.classList.toggle("open");
        toggle.setAttribute("aria-expanded", open ? "true" : "false");
      });
    }
  });

  // A background job's page: poll its status until it finishes.
  function watchJob(box) {
    var url = box.getAttribute("data-job-status");
    var bar = box.querySelector("progress");
    function show(state) {
      bar.max = state.total || 1;
      bar.value = state.done;
      bar.textContent = state.percent + "%";
      box.querySelector("[data-job-label]").textContent = state.label;
      box.querySelector("[data-job-done]").textContent = state.done;
      var error = box.querySelector("[data-job-error]");
      error.textContent = state.error || "";
      error.hidden = !state.error;
      box.querySelector("[data-job-ready]").hidden = state.status !== "done";
      return state.status === "done" || state.status === "failed";
    }
    var failures = 0;
    function poll() {
      fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
        .then(function (response) {
          if (!response.ok) { throw new Error(String(response.status)); }
          return response.json();
        })
        .then(function (state) {
          failures = 0;
          box.querySelector("[data-job-offline]").hidden = true;
          // Finished either way: the page, drawn again, offers the download or a rerun.
          if (!show(state)) { window.setTimeout(poll, 700); }
          else { window.location.reload(); }
        })
        .catch(function () {
          failures += 1;
          // Say so after a few misses; keep trying (the batch goes on without this page).
          box.querySelector("[data-job-offline]").hidden = failures < 3;
          window.setTimeout(poll, Math.min(3000 * failures, 30000));
        });
    }
    if (box.getAttribute("data-job-finished") !== "true") { poll(); }
  }

  // The badge template editor: redraw the preview shortly after each change.
  function livePreview(form) {
    var url = form.getAttribute("data-preview");
    var image = document.querySelector("[data-preview-image]");
    var state = document.querySelector("[data-preview-state]");
    var failed = state.getAttribute("data-failed") || "Error";
    var timer = null;
    var current = null;
    // Answers may come back out of order (a slow drawing, then a quick error): only the
    // answer to the latest request is shown.
    var latest = 0;
    function draw() {
      var ticket = ++latest;
      state.textContent = state.getAttribute("data-drawing") || "…";
      fetch(url, {method: "POST", body: new FormData(form), credentials: "same-origin"})
        .then(function (response) {
          var type = response.headers.get("Content-Type") || "";
          if (response.ok && type.indexOf("image/") === 0) { return response.blob(); }
          // Anything else (the login page after a lost session, an error page) is no
          // picture: say so rather than show a broken image or a JSON parse error.
          return response.json().then(function (body) {
            throw new Error((body && body.error && body.error.message) || failed);
          }, function () { throw new Error(failed); });
        })
        .then(function (blob) {
          if (ticket !== latest) { return; }
          if (current) { URL.revokeObjectURL(current); }
          current = URL.createObjectURL(blob);
          image.src = current;
          image.hidden = false;
          state.textContent = "";
          state.classList.remove("error");
        })
        .catch(function (error) {
          if (ticket !== latest) { return; }
          state.textContent = error.message || failed;
          state.classList.add("error");
        });
    }
    function later() {
      window.clearTimeout(timer);
      timer = window.setTimeout(draw, 400);
    }
    form.addEventListener("input", later);
    document.querySelectorAll("[form='" + form.id + "']").forEach(function (input) {
      input.addEventListener("change", later);
    });
    draw();
  }

  // A part of the page (the arrivals board) replaced every few seconds by the same part of
  // the page fetched again; the last figures stay while the network does not answer.
  function liveRegion(box) {
    setInterval(function () {
      fetch(window.location.href, { credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.text() : null; })
        .then(function (html) {
          var fresh = html && new DOMParser().parseFromString(html, "text/html")
            .getElementById(box.id);
          if (fresh) { box.innerHTML = fresh.innerHTML; }
        })
        .catch(function () {});
    }, Number(box.getAttribute("data-live") || 5) * 1000);
  }

  // Pages with code of their own (the gate scanner) list it here, run in order: every page
  // keeps this file as its only script tag.
  function loadScripts(box) {
    box.getAttribute("data-scripts").split(" ").forEach(function (src) {
      var script = document.createElement("script");
      script.src = src;
      script.async = false;
      document.head.appendChild(script);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-job-status]").forEach(watchJob);
    document.querySelectorAll("form[data-preview]").forEach(livePreview);
    document.querySelectorAll("[data-live]").forEach(liveRegion);
    document.querySelectorAll("[data-scripts]").forEach(loadScripts);
  });
})();

// Upload forms: a file over its field's limit is cleared at once with a message, so the
// form is never sent (and refused as too large) with everything else typed in it.
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var input = event.target;
    var limit = input && input.getAttribute && Number(input.getAttribute("data-max-bytes"));
    if (!limit || !input.files || !input.files.length) {
      return;
    }
    var note = input.parentNode.querySelector(".size-error");
    if (input.files[0].size > limit) {
      if (!note) {
        note = document.createElement("p");
        note.className = "error size-error";
        note.setAttribute("role", "alert");
        input.parentNode.appendChild(note);
      }
      note.textContent = (document.documentElement.lang === "en" ? "This file is larger than " :
        "文件超过 ") + Math.round(limit / 1048576) + " MB.";
      input.value = "";
    } else if (note) {
      note.remove();
    }
  });
})();

// The programme editor's grid: drag an item to another room or time (a bonus: every move also
// works from the keyboard with the item's Move form). A drop fills that same form and sends it,
// so the server checks clashes exactly as for a typed move.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var grid = document.querySelector(".agenda-grid[data-first-minute]");
    var form = document.getElementById("drag-move-form");
    if (!grid || !form) { return; }
    var first = parseInt(grid.getAttribute("data-first-minute"), 10);
    var slot = parseInt(grid.getAttribute("data-slot-minutes"), 10);
    var dragged = null;
    var offsetY = 0;
    grid.querySelectorAll(".grid-item[data-move-url]").forEach(function (item) {
      item.setAttribute("draggable", "true");
      item.addEventListener("dragstart", function (event) {
        dragged = item;
        offsetY = event.clientY - item.getBoundingClientRect().top;
        event.dataTransfer.effectAllowed = "move";
        event.dataTransfer.setData("text/plain", item.getAttribute("data-item-id"));
      });
    });
    grid.addEventListener("dragover", function (event) {
      if (dragged) { event.preventDefault(); }
    });
    grid.addEventListener("drop", function (event) {
      if (!dragged) { return; }
      event.preventDefault();
      var room = null;
      grid.querySelectorAll(".grid-room").forEach(function (header) {
        var box = header.getBoundingClientRect();
        if (event.clientX >= box.left && event.clientX < box.right) {
          room = header.getAttribute("data-room-id");
        }
      });
      var line = grid.querySelector(".grid-line");
      if (room === null || !line) { return; }
      var rowHeight = line.getBoundingClientRect().height;
      var top = event.clientY - offsetY - line.getBoundingClientRect().top;
      var minute = first + Math.max(0, Math.round(top / rowHeight)) * slot;
      var hh = String(Math.floor(minute / 60)).padStart(2, "0");
      var mm = String(minute % 60).padStart(2, "0");
      form.action = dragged.getAttribute("data-move-url");
      form.querySelector("[name=move-start]").value = hh + ":" + mm;
      form.querySelector("[name=move-room]").value = room;
      dragged = null;
      form.submit();
    });
  });
  // The precedence list: drag rows to reorder, then save (the move buttons work without this).
  document.addEventListener("DOMContentLoaded", function () {
    var table = document.querySelector("table[data-reorder]");
    var form = document.getElementById("precedence-order");
    if (!table || !form) { return; }
    var dragged = null;
    table.addEventListener("dragstart", function (event) {
      dragged = event.target.closest("tr[data-entry-id]");
    });
    table.addEventListener("dragover", function (event) { event.preventDefault(); });
    table.addEventListener("drop", function (event) {
      event.preventDefault();
      var target = event.target.closest("tr[data-entry-id]");
      if (!dragged || !target || target === dragged) { return; }
      target.parentNode.insertBefore(dragged, target);
      var ids = Array.prototype.map.call(table.querySelectorAll("tr[data-entry-id]"),
        function (row) { return row.getAttribute("data-entry-id"); });
      form.querySelector("input[name=order]").value = ids.join(",");
      form.hidden = false;
    });
  });
  // Fields shown only with a consent box ticked (data-shown-by names the box): they appear
  // on ticking; the no-script button that posts the form back to show them is not needed.
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-shown-by]").forEach(function (block) {
      var box = document.querySelector("input[name='" + block.getAttribute("data-shown-by") + "']");
      if (!box) { return; }
      var form = box.closest("form");
      var button = form && form.querySelector("[data-reveal-button]");
      if (button) { button.hidden = true; }
      var show = function () {
        document.querySelectorAll("[data-shown-by='" + block.getAttribute("data-shown-by") + "']")
          .forEach(function (each) { each.hidden = !box.checked; });
      };
      box.addEventListener("change", show);
      show();
    });
  });
})();
