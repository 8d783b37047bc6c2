// The report's change form in the admin (templates/admin/reports/report/change_form.html). A file,
// not an inline <script>: the Content-Security-Policy allows none. The sticky offsets are set through
// element.style (the CSSOM), which the policy allows; a style attribute written into the HTML it would not.
// Hold the header rows and the row labels of each grid in place while it scrolls: every header cell
// sticks where the table puts it. When the labels would take more than half the box (a phone),
// only the innermost label of each row sticks, at the left edge. Measured again whenever the
// table or its box changes size (fonts loading, the sidebar toggled, a window resized).
(function () {
  function pin(box) {
    var table = box.querySelector(".cell-grid");
    table.querySelectorAll("th").forEach(function (th) {
      th.classList.remove("sticky-top", "sticky-left");
      th.style.top = th.style.left = "";
    });
    // Fractions of a pixel count: rounded offsets leave a hairline gap the scrolled cells show through.
    var origin = table.getBoundingClientRect(), tops = [], lefts = [], width = 0;
    table.querySelectorAll("thead th").forEach(function (th) {
      tops.push([th, th.getBoundingClientRect().top - origin.top]);
    });
    table.querySelectorAll("tbody tr").forEach(function (tr) {
      var labels = tr.querySelectorAll("th[scope=row], th[scope=rowgroup]");
      if (!labels.length || !tr.querySelector("td")) return;
      var leaf = labels[labels.length - 1];
      labels.forEach(function (th) { lefts.push([th, th.getBoundingClientRect().left - origin.left, th === leaf]); });
      width = Math.max(width, leaf.getBoundingClientRect().right - origin.left);
    });
    var all = width <= box.clientWidth / 2;
    tops.forEach(function (t) { t[0].style.top = t[1] + "px"; t[0].classList.add("sticky-top"); });
    lefts.forEach(function (l) {
      if (!all && !l[2]) return;
      l[0].style.left = (all ? l[1] : 0) + "px";
      l[0].classList.add("sticky-left");
    });
    var corner = table.querySelector("thead th");
    if (corner && all && lefts.length) {
      corner.style.left = "0px";
      corner.classList.add("sticky-left");
    }
  }
  document.querySelectorAll(".cell-grid-box").forEach(function (box) {
    var queued = false;
    var observer = new ResizeObserver(function () {
      if (queued) return;
      queued = true;
      requestAnimationFrame(function () { queued = false; pin(box); });
    });
    observer.observe(box);
    observer.observe(box.querySelector(".cell-grid"));
  });
})();
