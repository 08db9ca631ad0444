/* Full-text search of the report. Classic script: works on file://, under any sub-path, on a server.
 * The index is window.REPORTSITE_SEARCH (assets/search-index.js) and task shards that this script loads
 * by adding <script src> elements (never fetch/XHR/modules/workers, which file:// blocks).
 * Matching: substrings of folded text (full-width -> half-width, lower case), no word segmentation;
 * every space-separated term must match the task text, its chapter or section title, or one of its
 * units (canonical name or alias). Data goes into the page only as text nodes, never as HTML. */
(function () {
  "use strict";
  var META = window.REPORTSITE_SEARCH;
  var app = document.getElementById("search-app");
  var box = document.getElementById("site-search");
  if (!app || !box) return;
  app.hidden = false;
  if (!META) { // the index file is missing or broken: say so, and where else to look
    document.getElementById("search-status").textContent =
      "无法载入搜索索引（assets/search-index.js）。请改用“全部任务”页和浏览器的查找功能（Ctrl+F）。";
    return;
  }

  var statusEl = document.getElementById("search-status");
  var resultsEl = document.getElementById("search-results");
  var unitsEl = document.getElementById("search-units");
  var moreBtn = document.getElementById("search-more");
  var sel = {
    chapter: document.getElementById("filter-chapter"),
    unit: document.getElementById("filter-unit"),
    role: document.getElementById("filter-role"),
    status: document.getElementById("filter-status")
  };
  var roleGroup = document.getElementById("filter-role-group");
  var PAGE = 20; // results rendered at first; "显示更多" adds more
  var UNIT_OPTIONS = 40; // the unit filter offers the units with most results
  var LABELS = META.labels;

  // ---- folding: same as reportsite.search.fold; never changes the length, so positions carry over.
  var FW = /[\uFF01-\uFF5E\u3000]/g;
  function fwChar(c) {
    var k = c.charCodeAt(0);
    return k === 0x3000 ? " " : String.fromCharCode(k - 0xfee0);
  }
  var NEEDS_FOLD = /[\uFF01-\uFF5E\u3000]|\p{Changes_When_Lowercased}/u;
  function fold(s) {
    if (!NEEDS_FOLD.test(s)) return s; // most Chinese text: nothing to do
    s = s.replace(FW, fwChar);
    var low = s.toLowerCase();
    if (low.length === s.length) return low;
    var out = "";
    for (var i = 0; i < s.length; i++) {
      var c = s.charAt(i), l = c.toLowerCase();
      out += l.length === 1 ? l : c;
    }
    return out;
  }

  // ---- the index
  var units = META.units, chapters = META.chapters, tasks = [], byNumber = {}, bySlug = {};
  var unitTotals = [];
  units.forEach(function (u, i) {
    u.keys = [fold(u.name)].concat(u.aliases.map(fold));
    u.collectives = [];
    bySlug[u.slug] = i;
    unitTotals.push({ lead: 0, responsible: 0 });
  });
  units.forEach(function (u, i) {
    u.members.forEach(function (m) { units[m].collectives.push(i); });
  });
  var sectionCount = 0, sectionBase = [0];
  chapters.forEach(function (c) {
    c.f = fold(c.title);
    sectionBase[c.n] = sectionCount;
    c.sections.forEach(function (s) { s.f = fold(s.title); sectionCount++; });
  });

  // A task's units as the model's report.assignments has them: direct lead, direct responsible, then
  // the members of collectives (via). Each entry: [unit, role, via unit or -1].
  function has(list, u) {
    for (var i = 0; i < list.length; i++) if (list[i][0] === u) return true;
    return false;
  }
  function assignments(t) {
    var out = [], roles = ["lead", "responsible"], lists = [t.l, t.r], i, j, k;
    for (i = 0; i < 2; i++) {
      for (j = 0; j < lists[i].length; j++) if (!has(out, lists[i][j])) out.push([lists[i][j], roles[i], -1]);
    }
    for (i = 0; i < 2; i++) {
      for (j = 0; j < lists[i].length; j++) {
        var members = units[lists[i][j]].members;
        for (k = 0; k < members.length; k++) if (!has(out, members[k])) out.push([members[k], roles[i], lists[i][j]]);
      }
    }
    return out;
  }

  function ingest(list) { // one shard, as soon as it arrives: the work is spread over the loading
    for (var i = 0; i < list.length; i++) {
      var t = list[i];
      t.f = fold(t.t);
      t.a = assignments(t);
      t.sid = t.s ? sectionBase[t.c] + t.s - 1 : -1;
      for (var j = 0; j < t.a.length; j++) unitTotals[t.a[j][0]][t.a[j][1]]++;
      byNumber[t.n] = t;
    }
  }

  // ---- state in the URL: ?q=…&chapter=…&unit=<slug>&role=lead|responsible&status=…
  function readUrl() {
    var p = new URLSearchParams(location.search);
    return {
      q: p.get("q") || "",
      chapter: p.get("chapter") || "",
      unit: p.get("unit") || "",
      role: p.get("role") || "",
      status: p.get("status") || ""
    };
  }
  var state = readUrl();
  function urlFor(s) {
    var p = new URLSearchParams();
    ["q", "chapter", "unit", "role", "status"].forEach(function (k) { if (s[k]) p.set(k, s[k]); });
    var qs = p.toString();
    return location.pathname + (qs ? "?" + qs : "");
  }
  var pushNext = true; // the next typed change starts a new history entry
  function save(push) {
    var url = urlFor(state);
    try {
      if (push && url !== location.pathname + location.search) history.pushState(state, "", url);
      else history.replaceState(state, "", url);
    } catch (e) { /* a browser that refuses history on this URL: the search still works */ }
  }

  // ---- query
  function parse(q) {
    var f = fold(q).trim();
    var terms = [];
    f.split(/\s+/).forEach(function (w) { if (w && terms.indexOf(w) < 0) terms.push(w); });
    var num = /^第?\s*(\d+)\s*项?$/.exec(f);
    return { terms: terms, number: num ? Number(num[1]) : null };
  }

  function search(q) {
    var query = parse(q), terms = query.terms, nt = terms.length;
    var hits = []; // per term: which units, chapters and sections it matches (by position)
    var matchedUnits = {}, unitList = [];
    terms.forEach(function (term) {
      var h = { units: new Uint8Array(units.length), chapters: new Uint8Array(chapters.length + 1),
                sections: new Uint8Array(sectionCount) };
      units.forEach(function (u, i) {
        for (var k = 0; k < u.keys.length; k++) {
          if (u.keys[k].indexOf(term) >= 0) {
            h.units[i] = 1;
            if (!matchedUnits[i]) { matchedUnits[i] = 1; unitList.push(i); }
            break;
          }
        }
      });
      chapters.forEach(function (c) {
        if (c.f.indexOf(term) >= 0) h.chapters[c.n] = 1;
        c.sections.forEach(function (s, j) { if (s.f.indexOf(term) >= 0) h.sections[sectionBase[c.n] + j] = 1; });
      });
      hits.push(h);
    });
    var joined = terms.join(""), spaced = terms.join(" ");
    var results = [];
    for (var i = 0; i < tasks.length; i++) {
      var t = tasks[i], score = 0, ok = true;
      for (var k = 0; k < nt && ok; k++) {
        var term = terms[k], h = hits[k], termScore = 0;
        if (t.f.indexOf(term) >= 0) termScore = 10;
        if ((h.chapters[t.c] || (t.sid >= 0 && h.sections[t.sid])) && termScore < 20) termScore = 20;
        for (var j = 0; j < t.a.length; j++) {
          if (h.units[t.a[j][0]]) {
            var s = t.a[j][1] === "lead" ? 60 : t.a[j][2] < 0 ? 40 : 30;
            if (s > termScore) termScore = s;
          }
        }
        if (!termScore) ok = false;
        score += termScore;
      }
      if (nt > 1 && ok && (t.f.indexOf(joined) >= 0 || t.f.indexOf(spaced) >= 0)) score += 100;
      if (query.number !== null && t.n === query.number) { score += 1000; ok = true; }
      if (ok) results.push({ t: t, score: score });
    }
    // best first, ties in the report's order (a bucket per score: linear, even for 100,000 results)
    if (nt || query.number !== null) {
      var buckets = {}, scores = [];
      for (i = 0; i < results.length; i++) {
        var sc = results[i].score;
        if (!buckets[sc]) { buckets[sc] = []; scores.push(sc); }
        buckets[sc].push(results[i]);
      }
      scores.sort(function (a, b) { return b - a; });
      results = [];
      scores.forEach(function (sc) { results = results.concat(buckets[sc]); });
    }
    unitList.sort(function (a, b) {
      var ea = exactUnit(units[a], terms), eb = exactUnit(units[b], terms);
      var ta = unitTotals[a].lead + unitTotals[a].responsible, tb = unitTotals[b].lead + unitTotals[b].responsible;
      return eb - ea || tb - ta || a - b;
    });
    return { terms: terms, number: query.number, results: results, units: unitList, matchedUnits: matchedUnits };
  }
  function exactUnit(u, terms) {
    for (var i = 0; i < terms.length; i++) if (u.keys.indexOf(terms[i]) >= 0) return 1;
    return 0;
  }

  // ---- filters with counts: each facet counted over the results the other facets let through
  function roleOf(t, contextUnits) {
    for (var j = 0; j < t.a.length; j++) if (contextUnits[t.a[j][0]]) return t.a[j][1];
    return "";
  }
  function facets(found) {
    var unitIdx = state.unit && bySlug.hasOwnProperty(state.unit) ? bySlug[state.unit] : -1;
    var context = {};
    if (unitIdx >= 0) context[unitIdx] = 1;
    else context = found.matchedUnits;
    var hasContext = unitIdx >= 0 || found.units.length > 0;
    var chapter = Number(state.chapter) || 0;
    var role = hasContext && (state.role === "lead" || state.role === "responsible") ? state.role : "";
    var counts = { chapter: {}, unit: {}, role: {}, status: {}, all: { chapter: 0, unit: 0, role: 0, status: 0 } };
    var shown = [];
    var res = found.results;
    for (var i = 0; i < res.length; i++) {
      var r = res[i], t = r.t, j;
      var tr = hasContext ? roleOf(t, context) : "";
      var okC = !chapter || t.c === chapter;
      var okU = unitIdx < 0;
      for (j = 0; !okU && j < t.a.length; j++) okU = t.a[j][0] === unitIdx;
      var okR = !role || tr === role;
      var okS = !state.status || t.st === state.status;
      if (okU && okR && okS) { counts.chapter[t.c] = (counts.chapter[t.c] || 0) + 1; counts.all.chapter++; }
      if (okC && okR && okS) {
        counts.all.unit++;
        for (j = 0; j < t.a.length; j++) counts.unit[t.a[j][0]] = (counts.unit[t.a[j][0]] || 0) + 1;
      }
      if (okC && okU && okS) { counts.all.role++; if (tr) counts.role[tr] = (counts.role[tr] || 0) + 1; }
      if (okC && okU && okR) { counts.all.status++; if (t.st) counts.status[t.st] = (counts.status[t.st] || 0) + 1; }
      if (okC && okU && okR && okS) shown.push(r);
    }
    return { counts: counts, shown: shown, hasContext: hasContext, unitIdx: unitIdx };
  }

  function fillSelect(select, allLabel, allCount, options, value) {
    var signature = allCount + "|" + value + "|" + options.map(function (o) { return o.value + ":" + o.count; }).join(",");
    if (select.getAttribute("data-signature") === signature) return; // unchanged: keep the DOM
    select.setAttribute("data-signature", signature);
    while (select.firstChild) select.removeChild(select.firstChild);
    var o = document.createElement("option");
    o.value = "";
    o.textContent = allLabel + "（" + allCount + "）";
    select.appendChild(o);
    var found = false;
    options.forEach(function (opt) {
      var e = document.createElement("option");
      e.value = opt.value;
      e.textContent = opt.label + "（" + opt.count + "）";
      if (opt.value === value) { e.selected = true; found = true; }
      select.appendChild(e);
    });
    if (!found) select.value = "";
  }

  function renderFilters(found, f) {
    var c = f.counts;
    fillSelect(sel.chapter, "全部章节", c.all.chapter, chapters.filter(function (ch) {
      return c.chapter[ch.n] || String(ch.n) === state.chapter;
    }).map(function (ch) {
      return { value: String(ch.n), label: ch.numeral + "、" + ch.title, count: c.chapter[ch.n] || 0 };
    }), state.chapter);
    var uopts = [];
    units.forEach(function (u, i) {
      if (c.unit[i] || i === f.unitIdx) uopts.push({ value: u.slug, label: u.name, count: c.unit[i] || 0, i: i });
    });
    uopts.sort(function (a, b) { return (b.i === f.unitIdx) - (a.i === f.unitIdx) || b.count - a.count || a.i - b.i; });
    uopts = uopts.slice(0, UNIT_OPTIONS);
    fillSelect(sel.unit, "全部单位", c.all.unit, uopts, state.unit);
    roleGroup.hidden = !f.hasContext;
    fillSelect(sel.role, "全部职责", c.all.role, ["lead", "responsible"].map(function (r) {
      return { value: r, label: LABELS[r], count: c.role[r] || 0 };
    }), state.role);
    if (sel.status) {
      fillSelect(sel.status, "全部进度", c.all.status, META.statuses.map(function (s) {
        return { value: s, label: s, count: c.status[s] || 0 };
      }), state.status);
    }
  }

  // ---- highlighting: text nodes and <mark> elements, never HTML strings
  function highlight(parent, text, terms) {
    var f = fold(text), ranges = [];
    terms.forEach(function (term) {
      var from = 0, at;
      while (term && (at = f.indexOf(term, from)) >= 0) { ranges.push([at, at + term.length]); from = at + term.length; }
    });
    ranges.sort(function (a, b) { return a[0] - b[0] || b[1] - a[1]; });
    var pos = 0;
    ranges.forEach(function (r) {
      if (r[1] <= pos) return;
      var start = Math.max(r[0], pos);
      if (start > pos) parent.appendChild(document.createTextNode(text.slice(pos, start)));
      var m = document.createElement("mark");
      m.textContent = text.slice(start, r[1]);
      parent.appendChild(m);
      pos = r[1];
    });
    if (pos < text.length) parent.appendChild(document.createTextNode(text.slice(pos)));
  }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function unitLinks(parent, list, terms) {
    list.forEach(function (u, i) {
      if (i) parent.appendChild(document.createTextNode("、"));
      var a = el("a");
      a.href = units[u].href;
      var hit = terms.some(function (term) { return units[u].keys.some(function (k) { return k.indexOf(term) >= 0; }); });
      if (hit) { var m = el("mark"); m.textContent = units[u].name; a.appendChild(m); }
      else a.textContent = units[u].name;
      parent.appendChild(a);
    });
  }

  function renderTask(r, terms) {
    var t = r.t, ch = chapters[t.c - 1];
    var li = el("li", "search-result");
    li.setAttribute("data-task", String(t.n));
    var a = el("a", "result-link");
    a.href = (t.p ? ch.hrefs[t.p - 1] : ch.href) + "#task-" + t.n; // pages.task_path
    a.setAttribute("data-nav", "");
    var num = el("span", "task-number", String(t.n));
    num.setAttribute("aria-label", "第" + t.n + "项");
    a.appendChild(num);
    var txt = el("span", "result-text");
    highlight(txt, t.t, terms);
    a.appendChild(txt);
    li.appendChild(a);
    if (t.st) li.appendChild(el("span", "result-status status status-" + (META.status_slugs[t.st] || "none"), t.st));
    if (t.od) li.appendChild(el("strong", "result-status overdue", "已逾期"));
    var where = el("p", "result-where");
    highlight(where, ch.numeral + "、" + ch.title, terms);
    if (t.s) {
      where.appendChild(document.createTextNode(" › "));
      var s = ch.sections[t.s - 1];
      highlight(where, s.numeral + s.title, terms);
    }
    li.appendChild(where);
    var dl = el("dl", "task-units");
    [["lead", t.l], ["responsible", t.r]].forEach(function (p) {
      if (!p[1].length && !(p[0] === "responsible" && t.o)) return;
      var div = el("div", "role-" + p[0]);
      div.appendChild(el("dt", "", LABELS[p[0]]));
      var dd = el("dd");
      unitLinks(dd, p[1], terms);
      if (p[0] === "responsible" && t.o) dd.appendChild(el("span", "and-others", "等有关单位"));
      div.appendChild(dd);
      dl.appendChild(div);
    });
    li.appendChild(dl);
    return li;
  }

  function renderUnits(found) {
    while (unitsEl.firstChild) unitsEl.removeChild(unitsEl.firstChild);
    var list = found.units.slice(0, 8);
    unitsEl.hidden = !list.length;
    list.forEach(function (i) {
      var u = units[i], li = el("li", "unit-hit");
      var a = el("a");
      a.href = u.href;
      a.setAttribute("data-nav", "");
      highlight(a, u.name, found.terms);
      li.appendChild(el("span", "unit-hit-label", "单位"));
      li.appendChild(a);
      if (u.aliases.length) {
        var al = el("span", "unit-hit-aliases", "简称：");
        u.aliases.forEach(function (x, k) {
          if (k) al.appendChild(document.createTextNode("、"));
          highlight(al, x, found.terms);
        });
        li.appendChild(al);
      }
      li.appendChild(el("span", "unit-hit-counts",
        LABELS.lead + " " + unitTotals[i].lead + " 项 · " + LABELS.responsible + " " + unitTotals[i].responsible + " 项"));
      unitsEl.appendChild(li);
    });
  }

  var current = null, limit = PAGE;
  function render() {
    var t0 = performance.now();
    if (box.value !== state.q) box.value = state.q;
    var found = search(state.q);
    var f = facets(found);
    renderFilters(found, f);
    renderUnits(found);
    while (resultsEl.firstChild) resultsEl.removeChild(resultsEl.firstChild);
    current = { found: found, shown: f.shown };
    var frag = document.createDocumentFragment();
    f.shown.slice(0, limit).forEach(function (r) { frag.appendChild(renderTask(r, found.terms)); });
    resultsEl.appendChild(frag);
    moreBtn.hidden = f.shown.length <= limit;
    var n = f.shown.length;
    var msg = state.q.trim() ? "“" + state.q.trim() + "”：找到 " + n + " 项任务" : "全部 " + n + " 项任务";
    if (found.units.length) msg += "，" + found.units.length + " 个单位";
    if (n > limit) msg += "（显示前 " + limit + " 项）";
    if (!n && state.q.trim()) msg += "。可减少关键词，或试试单位简称、任务编号";
    statusEl.textContent = msg + "。";
    app.setAttribute("data-count", String(n));
    // the task numbers found, for tests and for a reader's own scripts (not for huge result lists)
    app.setAttribute("data-results", n <= 2000 ? f.shown.map(function (r) { return r.t.n; }).join(" ") : "");
    app.setAttribute("data-ms", (performance.now() - t0).toFixed(2));
  }

  function update(push) {
    limit = PAGE;
    render();
    save(push);
  }

  // ---- events
  var timer = null, pendingPush = false;
  box.addEventListener("input", function () {
    state.q = box.value;
    pendingPush = pendingPush || pushNext;
    pushNext = false;
    if (!ready) return;
    clearTimeout(timer);
    var run = function () { update(pendingPush); pendingPush = false; };
    // a huge report: search once the typing pauses, so that keystrokes never queue up
    if (tasks.length > 20000) timer = setTimeout(run, 120);
    else run();
  });
  document.addEventListener("submit", function (e) {
    if (e.target !== box.form) return;
    e.preventDefault(); // stay here; site.js sends other pages' searches to this page
    clearTimeout(timer);
    pendingPush = false;
    state.q = box.value;
    if (ready) update(true);
    pushNext = false;
  }, true);
  ["chapter", "unit", "role", "status"].forEach(function (k) {
    if (!sel[k]) return;
    sel[k].addEventListener("change", function () {
      state[k] = sel[k].value;
      update(true);
      pushNext = true;
    });
  });
  window.addEventListener("popstate", function () {
    state = readUrl();
    pushNext = true;
    if (ready) { limit = PAGE; render(); }
  });
  moreBtn.addEventListener("click", function () {
    limit += PAGE * 4;
    var first = resultsEl.children.length;
    render();
    var next = resultsEl.children[first];
    if (next) next.querySelector("a").focus();
  });

  // Arrow keys: from the box into the results, and between results; Enter follows the focused link.
  function navItems() { return Array.prototype.slice.call(app.querySelectorAll("[data-nav]")); }
  box.addEventListener("keydown", function (e) {
    if (e.key !== "ArrowDown") return;
    var items = navItems();
    if (items.length) { e.preventDefault(); items[0].focus(); }
  });
  app.addEventListener("keydown", function (e) {
    if (e.key !== "ArrowDown" && e.key !== "ArrowUp") return;
    var items = navItems(), i = items.indexOf(document.activeElement);
    if (i < 0) return;
    e.preventDefault();
    if (e.key === "ArrowDown" && i + 1 < items.length) items[i + 1].focus();
    else if (e.key === "ArrowUp") (i ? items[i - 1] : box).focus();
  });

  // ---- loading the task shards by <script src>
  var ready = false;
  var store = window.REPORTSITE_SEARCH_TASKS = window.REPORTSITE_SEARCH_TASKS || {};
  var pending = META.shards.length, failed = false;
  function finish() {
    for (var k = 1; k <= META.shards.length; k++) {
      Array.prototype.push.apply(tasks, store[k] || []);
      delete store[k];
    }
    ready = true;
    app.setAttribute("data-load-ms", performance.now().toFixed(1)); // since navigation start
    app.setAttribute("data-state", "ready");
    state.q = state.q || box.value;
    render();
    save(false);
  }
  function loaded(k) {
    ingest(store[k] || []);
    pending--;
    statusEl.textContent = "正在载入索引…（" + (META.shards.length - pending) + "/" + META.shards.length + "）";
    if (!pending && !failed) finish();
  }
  var base = document.querySelector('script[src$="search-index.js"]').src.replace(/assets\/search-index\.js$/, "");
  META.shards.forEach(function (s, i) {
    var k = i + 1;
    var script = document.createElement("script");
    script.src = base + s.src;
    script.onload = function () { loaded(k); };
    script.onerror = function () {
      failed = true;
      statusEl.textContent = "无法载入搜索索引（" + s.src + "）。请改用“全部任务”页和浏览器的查找功能（Ctrl+F）。";
      app.setAttribute("data-state", "error");
    };
    document.body.appendChild(script);
  });
  if (!META.shards.length) finish();

  // For benchmarks and tests: the search itself, without rendering.
  window.REPORTSITE_SEARCH_API = {
    search: function (q) { return search(q).results.length; },
    render: function (q) { state.q = q; render(); return current.shown.length; }
  };
})();
