// The public site's small script (no inline script anywhere: a Content-Security-Policy may forbid it).
// Collapsible parts (the main menu, the list filters) fold away on narrow screens; a button opens
// them. Without JavaScript they simply stay open.
(function () {
  document.documentElement.classList.add("js");
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".collapse-toggle").forEach(function (button) {
      var target = document.getElementById(button.getAttribute("aria-controls"));
      if (!target) return;
      button.addEventListener("click", function () {
        var open = button.getAttribute("aria-expanded") !== "true";
        button.setAttribute("aria-expanded", String(open));
        target.classList.toggle("is-open", open);
      });
    });
  });
})();
