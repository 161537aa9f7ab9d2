// cxgraph site: offline search over every label (preferred, acronym, alternative, hidden) and
// the IRI copy button. The index is assets/search-index.js, loaded by a script tag, so the
// search works from disk (file:) as well as from a web server.
(function () {
  "use strict";
  function norm(s) {
    return s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/[\s\-_.\/]+/g, "");
  }
  var index = (window.cxgraphSearchIndex || []).map(function (row) {
    return {slug: row[0], label: row[1], others: row[2], definition: row[3], deprecated: row[4],
            keys: [row[1]].concat(row[2]).map(norm)};
  });
  var box = document.querySelector(".search");
  var input = document.getElementById("site-search");
  var list = document.getElementById("search-results");
  if (!box || !input || !list) { return; }
  var root = box.getAttribute("data-root") || "";
  var active = -1;

  function search(q) {
    var n = norm(q);
    if (!n) { return []; }
    var hits = [];
    index.forEach(function (e) {
      var best = -1, via = "";
      e.keys.forEach(function (k, i) {
        var score = k === n ? 3 : k.indexOf(n) === 0 ? 2 : k.indexOf(n) >= 0 ? 1 : -1;
        if (score > best) { best = score; via = i === 0 ? "" : e.others[i - 1]; }
      });
      if (best >= 0) { hits.push({e: e, score: best - (e.deprecated ? 0.5 : 0), via: via}); }
    });
    hits.sort(function (a, b) { return b.score - a.score || a.e.label.localeCompare(b.e.label); });
    return hits.slice(0, 20);
  }

  function render() {
    var hits = search(input.value);
    list.innerHTML = "";
    active = -1;
    hits.forEach(function (h) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = root + h.e.slug + ".html";
      a.textContent = h.e.label;
      li.appendChild(a);
      if (h.via) {
        var via = document.createElement("span");
        via.className = "via";
        via.textContent = " (" + h.via + ")";
        li.appendChild(via);
      }
      if (h.e.deprecated) { li.className = "deprecated"; }
      list.appendChild(li);
    });
    if (input.value && !hits.length) {
      var none = document.createElement("li");
      none.className = "none";
      none.textContent = "No concept has this label.";
      list.appendChild(none);
    }
    list.hidden = !input.value;
  }

  function move(step) {
    var items = list.querySelectorAll("li a");
    if (!items.length) { return; }
    active = (active + step + items.length) % items.length;
    items[active].focus();
  }

  input.addEventListener("input", render);
  box.addEventListener("keydown", function (ev) {
    if (ev.key === "ArrowDown") { ev.preventDefault(); move(1); }
    else if (ev.key === "ArrowUp") { ev.preventDefault(); move(-1); }
    else if (ev.key === "Escape") { input.value = ""; render(); input.focus(); }
    else if (ev.key === "Enter" && document.activeElement === input) {
      var first = list.querySelector("li a");
      if (first) { window.location.href = first.getAttribute("href"); }
    }
  });
  document.addEventListener("keydown", function (ev) {
    if (ev.key === "/" && document.activeElement !== input) { ev.preventDefault(); input.focus(); }
  });

  document.querySelectorAll("button.copy").forEach(function (button) {
    button.addEventListener("click", function () {
      var text = button.getAttribute("data-copy") || "";
      var done = function () { button.textContent = "Copied"; };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(done, function () { select(); });
      } else { select(); }
      function select() {
        var code = document.getElementById("iri");
        if (!code) { return; }
        var range = document.createRange();
        range.selectNodeContents(code);
        var sel = window.getSelection();
        if (sel) { sel.removeAllRanges(); sel.addRange(range); }
        try { document.execCommand("copy"); done(); } catch (e) { /* the text stays selected */ }
      }
    });
  });
})();
