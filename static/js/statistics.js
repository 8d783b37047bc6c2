// Statistics pages: open every collapsed detail table before printing, so the print shows all data.
(function () {
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details.st-details").forEach(function (d) { d.open = true; });
  });
})();
