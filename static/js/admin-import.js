// The admin's import and export pages (templates/admin/reports/report/import_upload.html,
// import_progress.html, templates/admin/import_export/export.html). A file, not an inline <script>
// or onchange=: the Content-Security-Policy allows neither; what a page needs to say comes in data-*.
(function () {
  // More files than one request may carry would be refused by the server with a bare error page.
  var upload = document.getElementById("import-upload-form");
  var input = upload && upload.querySelector('input[type="file"]');
  if (input) {
    var most = Number(upload.dataset.maxFiles);
    input.addEventListener("change", function () {
      input.setCustomValidity(input.files.length > most ? upload.dataset.tooMany : "");
      input.reportValidity();
    });
  }

  // The next step of the import (one request each, so that none runs long).
  var next = document.getElementById("import-continue-form");
  if (next) {
    var step = document.createElement("input");
    step.type = "hidden";
    step.name = "_continue";
    step.value = "1";
    next.appendChild(step);
    setTimeout(function () { next.submit(); }, 300);
  }

  // The spreadsheet export: "select all" ticks or clears every field (django-import-export's handler,
  // which its template wires with an onchange= attribute).
  document.querySelectorAll(".select-toggle").forEach(function (toggle) {
    if (typeof onSelectToggleChange === "function") toggle.addEventListener("change", onSelectToggleChange);
  });
})();
