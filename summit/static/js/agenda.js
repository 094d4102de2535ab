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
})();
