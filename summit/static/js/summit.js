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
