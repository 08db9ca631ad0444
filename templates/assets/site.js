/* Small enhancements; every page reads fully without this file. Classic script: works on file://. */
(function () {
  "use strict";
  // "/" focuses the search box
  document.addEventListener("keydown", function (e) {
    var box = document.getElementById("site-search");
    if (!box || e.key !== "/" || e.ctrlKey || e.metaKey || e.altKey) return;
    var t = e.target;
    if (t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.isContentEditable)) return;
    e.preventDefault();
    box.focus();
  });

  // The header search form goes to tasks.html without JavaScript (all tasks, the browser's find works);
  // with it, to the search page (search.js handles the form on the search page itself).
  document.addEventListener("submit", function (e) {
    var form = e.target, target = form.getAttribute("data-search");
    if (!target || e.defaultPrevented) return;
    e.preventDefault();
    var q = form.elements.q.value.trim();
    location.href = target + (q ? "?q=" + encodeURIComponent(q) : "");
  });

  // A long chapter is split into pages (chapters/K.html, K-2.html …): a link to #task-N on the wrong
  // page is sent on to the page whose range of task numbers holds N (ranges in the pages' nav).
  (function forwardTask() {
    var m = /^#task-(\d+)$/.exec(location.hash);
    if (!m || document.getElementById("task-" + m[1])) return;
    var n = Number(m[1]);
    var links = document.querySelectorAll("nav.parts a[data-tasks]");
    for (var i = 0; i < links.length; i++) {
      var r = links[i].getAttribute("data-tasks").split("-");
      if (n >= Number(r[0]) && n <= Number(r[1])) { location.replace(links[i].href.split("#")[0] + location.hash); return; }
    }
  })();

  // The matrix: header cells become buttons that re-sort the rows (by name, a chapter, or the total);
  // a second click on the same column reverses the order. aria-sort and an arrow show the order.
  var table = document.getElementById("matrix");
  if (!table) return;
  var tbody = table.tBodies[0];
  var original = Array.prototype.slice.call(tbody.rows);
  function value(row, key) {
    if (key === "total") return Number(row.getAttribute("data-total"));
    var k = key.replace("chapter-", "");
    var cell = row.querySelector('td[data-chapter="' + k + '"]');
    return Number(cell.getAttribute("data-lead")) + Number(cell.getAttribute("data-responsible"));
  }
  var current = "name", order = "ascending";
  Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th) {
    var key = th.getAttribute("data-sort");
    if (!key) return;
    var button = document.createElement("button");
    button.type = "button";
    var title = "";
    while (th.firstChild) {
      var child = th.firstChild;
      th.removeChild(child);
      if (child.nodeType === 1 && child.tagName === "A") {
        title = child.getAttribute("title") || "";  // the chapter's title: kept as the button's tooltip and name
        button.appendChild(document.createTextNode(child.textContent));
      } else button.appendChild(child);
    }
    if (title) {
      button.title = title;
      button.setAttribute("aria-label", "第" + button.textContent + "章 " + title + "：排序");
    } else button.setAttribute("aria-label", button.textContent + "：排序");
    th.appendChild(button);
    th.setAttribute("aria-sort", key === "name" ? "ascending" : "none");
    button.addEventListener("click", function () {
      // first click: names A to Z, counts most first; the same column again: the other way round
      var first = key === "name" ? "ascending" : "descending";
      order = current === key ? (order === "ascending" ? "descending" : "ascending") : first;
      current = key;
      var rows = original.slice();
      if (key !== "name") {
        rows.sort(function (a, b) { return value(b, key) - value(a, key); });  // stable: pinyin within ties
      }
      if (order !== first) rows.reverse();
      rows.forEach(function (r) { tbody.appendChild(r); });
      Array.prototype.forEach.call(table.tHead.rows[0].cells, function (other) {
        if (other.hasAttribute("data-sort")) other.setAttribute("aria-sort", other === th ? order : "none");
      });
    });
  });
})();
