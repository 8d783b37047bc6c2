// Province → prefecture → county choosers: picking a region loads the regions under it.
// Without JavaScript the form still works: the deepest chosen <select> wins on the server.
(function () {
  var box = document.querySelector(".region-choosers");
  if (!box) return;
  var url = box.getAttribute("data-children-url");
  var placeholders = ["全部省份", "全部市(州)", "全部县(市、区)"];

  function selects() { return Array.prototype.slice.call(box.querySelectorAll("select")); }

  function makeSelect(level, regions) {
    var sel = document.createElement("select");
    // The list names its choosers "region"; the compare page "add_region" (its "region" are the rows).
    sel.name = box.querySelector("select").name || "region";
    sel.setAttribute("data-level", String(level));
    sel.setAttribute("aria-label", placeholders[level - 1]);
    var opt = document.createElement("option");
    opt.value = ""; opt.textContent = placeholders[level - 1];
    sel.appendChild(opt);
    regions.forEach(function (r) {
      var o = document.createElement("option");
      o.value = r.code; o.textContent = r.name;
      sel.appendChild(o);
    });
    return sel;
  }

  box.addEventListener("change", function (ev) {
    var sel = ev.target;
    if (sel.tagName !== "SELECT") return;
    var level = parseInt(sel.getAttribute("data-level"), 10);
    selects().forEach(function (s) {
      if (parseInt(s.getAttribute("data-level"), 10) > level) s.remove();
    });
    if (!sel.value || level >= 3) return;
    fetch(url + "?parent=" + encodeURIComponent(sel.value))
      .then(function (r) { return r.ok ? r.json() : { regions: [] }; })
      .then(function (data) {
        if (data.regions && data.regions.length) box.appendChild(makeSelect(level + 1, data.regions));
      });
  });
})();
