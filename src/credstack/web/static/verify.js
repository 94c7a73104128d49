// credstack — the verify page's drop zone, enhanced. Without this script the file input still
// takes a dropped file (it is the zone); this adds a highlight while dragging, the chosen file's
// name and size, and keeps a file dropped beside the zone from replacing the page.
(function () {
  "use strict";
  var zone = document.querySelector("[data-dropzone]");
  if (!zone) return;
  var input = zone.querySelector("input[type=file]");
  var chosen = document.getElementById("verify-file-chosen");

  function size(bytes) {
    return bytes < 1024 ? bytes + " bytes" : bytes < 1048576
      ? Math.round(bytes / 1024) + " KB" : (bytes / 1048576).toFixed(1) + " MB";
  }
  function show() {
    var file = input.files && input.files[0];
    chosen.textContent = file ? "Chosen: " + file.name + " (" + size(file.size) + ")" : "";
  }
  ["dragenter", "dragover"].forEach(function (type) {
    zone.addEventListener(type, function () { zone.classList.add("is-dragover"); });
  });
  ["dragleave", "drop"].forEach(function (type) {
    zone.addEventListener(type, function () { zone.classList.remove("is-dragover"); });
  });
  input.addEventListener("change", show);
  window.addEventListener("dragover", function (event) {
    if (!zone.contains(event.target)) event.preventDefault();
  });
  window.addEventListener("drop", function (event) {
    if (!zone.contains(event.target)) event.preventDefault();
  });
  show();
})();
