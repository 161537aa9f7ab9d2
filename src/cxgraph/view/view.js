/* cxgraph graph view: search, concept card, legend filters, layouts and shareable links.
   Reads the vocabulary from the JSON block #cxgraph-data; draws it with vis-network. */
(function () {
  "use strict";

  var data = JSON.parse(document.getElementById("cxgraph-data").textContent);
  var concepts = data.concepts;
  var groups = data.groups;
  var relations = data.relations;
  var large = concepts.length > 1500;
  var byId = Object.create(null);
  concepts.forEach(function (c, i) { c.index = i; byId[c.id] = c; });

  /* Language: "?lang=es" in the address picks one of the vocabulary's languages (the switch in
     the bar sets it). Labels, definitions and search follow it; a concept without text in it is
     shown in English and its card says so. The English text stays in c.en for the card and for
     searching every language at once. */
  var languages = data.languages && data.languages.length ? data.languages : [{ tag: "en", name: "English", partial: false }];
  var FALLBACK = data.fallback || "en";
  function languageFromAddress() {
    var asked = null;
    try { asked = new URLSearchParams(location.search).get("lang"); } catch (err) { asked = null; }
    if (!asked) return FALLBACK;
    var low = asked.toLowerCase();
    var found = languages.filter(function (l) { return l.tag.toLowerCase() === low; })[0] ||
      languages.filter(function (l) { return l.tag.split("-")[0].toLowerCase() === low.split("-")[0]; })[0];
    return found ? found.tag : FALLBACK;
  }
  var LANG = languageFromAddress();
  var LANG_INFO = languages.filter(function (l) { return l.tag === LANG; })[0] || languages[0];
  var FALLBACK_NAME = (languages.filter(function (l) { return l.tag === FALLBACK; })[0] || { name: "English" }).name;
  document.documentElement.lang = LANG;
  function localise(item, full) {
    item.en = [item.label, item.definition, item.alt || [], item.hidden || []];
    var t = LANG !== FALLBACK && item.tr ? item.tr[LANG] : null;
    item.labelFallback = LANG !== FALLBACK && !(t && t[0]);
    item.definitionFallback = LANG !== FALLBACK && !!item.definition && !(t && t[1]);
    if (t && t[0]) item.label = t[0];
    if (t && t[1]) item.definition = t[1];
    if (full && t) { item.alt = t[2]; item.hidden = t[3]; }
  }
  /* The page's own words in the chosen language (English is the key; a missing entry shows the
     English). Messages with a {placeholder} are filled in by say(). */
  var UI = {
    es: {
      "Broader": "Conceptos genéricos", "Narrower": "Conceptos específicos", "Related": "Conceptos relacionados",
      "Collections": "Colecciones", "Alternative labels": "Etiquetas alternativas", "Notes": "Notas", "Facts": "Datos",
      "Sources": "Fuentes", "In other languages": "En otros idiomas", "Top concept": "Concepto principal",
      "No definition yet.": "Aún sin definición.", "Copy": "Copiar", "Copied": "Copiado",
      "Find a concept: label, synonym or acronym  ( / )": "Buscar un concepto: etiqueta, sinónimo o sigla  ( / )",
      "all languages": "todos los idiomas", "Hierarchy": "Jerarquía", "Network": "Red", "Fit": "Ajustar",
      "Filters": "Filtros", "Card": "Ficha", "Legend": "Leyenda", "Tree": "Árbol", "Top concepts": "Conceptos principales",
      "Relations": "Relaciones", "Focus": "Foco", "Keys": "Teclas", "all": "todos", "none": "ninguno",
      "also “{text}”": "también «{text}»", "misspelt “{text}”": "mal escrito «{text}»",
      "No concept matches “{q}”.": "Ningún concepto coincide con «{q}».",
      "No exact match. Did you mean ": "Sin coincidencia exacta. ¿Quiso decir ", "({language})": "(inglés)",
      "label and definition": "Aún no está en español: etiqueta y definición en inglés.",
      "label": "Aún no está en español: etiqueta en inglés.", "definition": "Aún no está en español: definición en inglés.",
      "Where sources disagree": "Dónde discrepan las fuentes", "Where implementations differ": "Dónde difieren las implementaciones",
      "Scope note": "Nota de alcance", "Note": "Nota", "Example": "Ejemplo", "History note": "Nota histórica",
      "Change note": "Nota de cambio", "Editorial note": "Nota editorial"
    },
    fr: {
      "Broader": "Concepts génériques", "Narrower": "Concepts spécifiques", "Related": "Concepts associés",
      "Collections": "Collections", "Alternative labels": "Libellés alternatifs", "Notes": "Notes", "Facts": "Données",
      "Sources": "Sources", "In other languages": "Dans d'autres langues", "Top concept": "Concept de tête",
      "No definition yet.": "Pas encore de définition.", "Copy": "Copier", "Copied": "Copié",
      "Find a concept: label, synonym or acronym  ( / )": "Trouver un concept : libellé, synonyme ou sigle  ( / )",
      "all languages": "toutes les langues", "Hierarchy": "Hiérarchie", "Network": "Réseau", "Fit": "Ajuster",
      "Filters": "Filtres", "Card": "Fiche", "Legend": "Légende", "Tree": "Arbre", "Top concepts": "Concepts de tête",
      "Relations": "Relations", "Focus": "Focus", "Keys": "Touches", "all": "tout", "none": "aucun",
      "also “{text}”": "aussi « {text} »", "misspelt “{text}”": "mal orthographié « {text} »",
      "No concept matches “{q}”.": "Aucun concept ne correspond à « {q} ».",
      "No exact match. Did you mean ": "Pas de correspondance exacte. Vouliez-vous dire ", "({language})": "(anglais)",
      "label and definition": "Pas encore en français : libellé et définition affichés en anglais.",
      "label": "Pas encore en français : libellé affiché en anglais.",
      "definition": "Pas encore en français : définition affichée en anglais.",
      "Where sources disagree": "Où les sources divergent", "Where implementations differ": "Où les mises en œuvre diffèrent",
      "Scope note": "Note d'application", "Note": "Note", "Example": "Exemple", "History note": "Note historique",
      "Change note": "Note de modification", "Editorial note": "Note éditoriale"
    },
    de: {
      "Broader": "Oberbegriffe", "Narrower": "Unterbegriffe", "Related": "Verwandte Begriffe",
      "Collections": "Sammlungen", "Alternative labels": "Alternative Bezeichnungen", "Notes": "Anmerkungen",
      "Facts": "Fakten", "Sources": "Quellen", "In other languages": "In anderen Sprachen", "Top concept": "Spitzenbegriff",
      "No definition yet.": "Noch keine Definition.", "Copy": "Kopieren", "Copied": "Kopiert",
      "Find a concept: label, synonym or acronym  ( / )": "Begriff finden: Bezeichnung, Synonym oder Abkürzung  ( / )",
      "all languages": "alle Sprachen", "Hierarchy": "Hierarchie", "Network": "Netzwerk", "Fit": "Einpassen",
      "Filters": "Filter", "Card": "Karte", "Legend": "Legende", "Tree": "Baum", "Top concepts": "Spitzenbegriffe",
      "Relations": "Beziehungen", "Focus": "Fokus", "Keys": "Tasten", "all": "alle", "none": "keine",
      "also “{text}”": "auch „{text}“", "misspelt “{text}”": "falsch geschrieben „{text}“",
      "No concept matches “{q}”.": "Kein Begriff passt zu „{q}“.",
      "No exact match. Did you mean ": "Kein genauer Treffer. Meinten Sie ", "({language})": "(Englisch)",
      "label and definition": "Noch nicht auf Deutsch: Bezeichnung und Definition auf Englisch.",
      "label": "Noch nicht auf Deutsch: Bezeichnung auf Englisch.", "definition": "Noch nicht auf Deutsch: Definition auf Englisch.",
      "Where sources disagree": "Wo Quellen voneinander abweichen", "Where implementations differ": "Wo Umsetzungen sich unterscheiden",
      "Scope note": "Anwendungshinweis", "Note": "Anmerkung", "Example": "Beispiel", "History note": "Historische Anmerkung",
      "Change note": "Änderungsvermerk", "Editorial note": "Redaktionelle Anmerkung"
    },
    "pt-BR": {
      "Broader": "Conceitos mais amplos", "Narrower": "Conceitos mais específicos", "Related": "Conceitos relacionados",
      "Collections": "Coleções", "Alternative labels": "Rótulos alternativos", "Notes": "Notas", "Facts": "Dados",
      "Sources": "Fontes", "In other languages": "Em outros idiomas", "Top concept": "Conceito de topo",
      "No definition yet.": "Ainda sem definição.", "Copy": "Copiar", "Copied": "Copiado",
      "Find a concept: label, synonym or acronym  ( / )": "Encontre um conceito: rótulo, sinônimo ou sigla  ( / )",
      "all languages": "todos os idiomas", "Hierarchy": "Hierarquia", "Network": "Rede", "Fit": "Ajustar",
      "Filters": "Filtros", "Card": "Ficha", "Legend": "Legenda", "Tree": "Árvore", "Top concepts": "Conceitos de topo",
      "Relations": "Relações", "Focus": "Foco", "Keys": "Teclas", "all": "todos", "none": "nenhum",
      "also “{text}”": "também “{text}”", "misspelt “{text}”": "grafia errada “{text}”",
      "No concept matches “{q}”.": "Nenhum conceito corresponde a “{q}”.",
      "No exact match. Did you mean ": "Nenhuma correspondência exata. Você quis dizer ", "({language})": "(inglês)",
      "label and definition": "Ainda não em português: rótulo e definição em inglês.",
      "label": "Ainda não em português: rótulo em inglês.", "definition": "Ainda não em português: definição em inglês.",
      "Where sources disagree": "Onde as fontes divergem", "Where implementations differ": "Onde as implementações diferem",
      "Scope note": "Nota de escopo", "Note": "Nota", "Example": "Exemplo", "History note": "Nota histórica",
      "Change note": "Nota de alteração", "Editorial note": "Nota editorial"
    }
  };
  function tr(text) { var table = UI[LANG]; return (table && table[text]) || text; }
  function say(text, values) {
    return tr(text).replace(/\{(\w+)\}/g, function (_, k) { return values[k] === undefined ? "{" + k + "}" : values[k]; });
  }
  document.querySelectorAll("[data-ui]").forEach(function (node) { node.textContent = tr(node.textContent); });
  (function () {
    var box = document.getElementById("search");
    if (box) box.placeholder = tr(box.placeholder);
  })();
  concepts.forEach(function (c) { localise(c, true); });
  (data.collections || []).forEach(function (k) { localise(k, false); });
  groups.forEach(function (g) { if (g.concept >= 0) g.label = concepts[g.concept].label; });
  if (data.titles && data.titles[LANG]) {
    var heading = document.querySelector(".brand h1");
    if (heading && heading.firstChild) { heading.firstChild.nodeValue = data.titles[LANG]; heading.title = data.titles[LANG]; }
    document.title = data.titles[LANG];
  }

  /* Dark mode follows the system setting: darker canvas, lighter node colours, light ink. */
  var dark = !!(window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches);
  var INK = dark ? "#e6e9ef" : "#1d2433";
  var CANVAS = dark ? "#161b22" : "#f7f8fa";
  var DIM_NODE = dark ? "#343b47" : "#dfe3ea";
  var DIM_TEXT = dark ? "#5b6371" : "#c3c8d1";
  var DIM_EDGE = dark ? "rgba(90, 98, 112, 0.35)" : "rgba(190, 197, 208, 0.25)";
  if (dark) {
    groups.forEach(function (g) { g.color = g.dark || g.color; });
    relations.forEach(function (r) { if (r.color === "#000000") r.color = "#d8dce3"; });
  }

  // ---------------------------------------------------------------- small helpers
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (k) {
        if (k === "text") node.textContent = attrs[k];
        else if (k === "className") node.className = attrs[k];
        else node.setAttribute(k, attrs[k]);
      });
    }
    (children || []).forEach(function (child) { if (child) node.appendChild(child); });
    return node;
  }
  function swatch(color) {
    var s = el("span", { className: "swatch", "aria-hidden": "true" });
    s.style.background = color;
    return s;
  }
  function strokeSample(rel) {
    var ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("width", "28"); svg.setAttribute("height", "10");
    svg.setAttribute("class", "stroke"); svg.setAttribute("aria-hidden", "true");
    var line = document.createElementNS(ns, "line");
    line.setAttribute("x1", "1"); line.setAttribute("y1", "5");
    line.setAttribute("x2", rel.directed ? "21" : "27"); line.setAttribute("y2", "5");
    line.setAttribute("stroke", rel.color); line.setAttribute("stroke-width", String(rel.width + 0.5));
    if (rel.dashes && !large) line.setAttribute("stroke-dasharray", rel.dashes.join(" "));
    svg.appendChild(line);
    if (rel.directed) {
      var head = document.createElementNS(ns, "path");
      head.setAttribute("d", "M20 1 L27 5 L20 9 Z");
      head.setAttribute("fill", rel.color);
      svg.appendChild(head);
    }
    return svg;
  }
  function plural(n, one, many) { return n.toLocaleString("en") + " " + (n === 1 ? one : many); }
  function groupOf(c) { return groups[c.group]; }

  // ---------------------------------------------------------------- the graph
  function nodeColor(c) {
    var color = groupOf(c).color;
    return { background: color, border: c.top ? INK : CANVAS, highlight: { background: color, border: INK }, hover: { background: color, border: INK } };
  }
  /* Top concepts stay legible in the overview of a big vocabulary: their label and node grow
     with the size of the drawing (on screen vis caps labels at scaling.label.maxVisible). */
  var extent = concepts.reduce(function (m, c) { return Math.max(m, Math.abs(c.hierarchy[0]), Math.abs(c.hierarchy[1])); }, 0);
  var TOP_FONT = { size: Math.max(30, Math.round(extent / 60)), bold: true, color: "#1d2433" };
  var TOP_SIZE = Math.max(20, Math.round(extent / 200));
  var FAINT = large ? 0.07 : 0.5;  // other relations behind the tree in the hierarchy layout
  var TREE = large ? 0.45 : 1;
  var FONT = { size: 16, color: "#1d2433" };
  function groupKey(c) { return (c.top ? "t" : "g") + c.group; }
  function visGroups() {  /* shared styles: far cheaper than per-node options on big graphs */
    var out = {};
    groups.forEach(function (g, i) {
      out["g" + i] = { shape: g.shape, color: nodeColor({ group: i, top: false }), borderWidth: 1.5, font: FONT };
      out["t" + i] = { shape: g.shape, color: nodeColor({ group: i, top: true }), borderWidth: 2.5, size: TOP_SIZE, font: TOP_FONT };
    });
    return out;
  }
  function baseNode(c) {
    var node = { id: c.id, x: c.hierarchy[0], y: c.hierarchy[1], group: groupKey(c) };
    if (!c.top) node.size = Math.min(15, 7 + 2 * Math.log2(1 + c.degree));
    if (!large && c.definition) node.title = c.label + ": " + (c.definition.length > 220 ? c.definition.slice(0, 217) + "…" : c.definition);
    return node;
  }
  /* "Net Promoter Score — measured by → Net Promoter Survey"; symmetric relations have no arrow. */
  function pairText(e) {
    var rel = relations[e[2]];
    return concepts[e[0]].label + " — " + rel.label + (rel.directed ? " → " : " — ") + concepts[e[1]].label;
  }
  function baseEdge(e, i) {
    var rel = relations[e[2]];
    var edge = { id: i, from: concepts[e[0]].id, to: concepts[e[1]].id, width: rel.width };
    edge.color = { color: rel.color, opacity: rel.key === "broader" ? TREE : FAINT };
    if (rel.directed) edge.arrows = "to";
    if (!large && rel.dashes) edge.dashes = rel.dashes;  // canvas dashes cost seconds on big graphs
    if (!large) edge.title = pairText(e);
    return edge;
  }
  concepts.forEach(function (c) { c.degree = 0; c.links = []; c.shownHidden = false; c.shownDim = false; });
  data.edges.forEach(function (e, i) {
    concepts[e[0]].degree++; concepts[e[1]].degree++;
    concepts[e[0]].links.push(i); concepts[e[1]].links.push(i);
  });

  var nodes = new vis.DataSet(concepts.map(baseNode));
  var edges = new vis.DataSet(data.edges.map(baseEdge));
  var container = document.getElementById("graph");
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, {
    autoResize: true,
    physics: false,
    layout: { improvedLayout: false, randomSeed: 1 },
    interaction: {
      hover: !large,
      tooltipDelay: 300,
      hideEdgesOnDrag: large,
      hideEdgesOnZoom: large,
      keyboard: { enabled: false },
      multiselect: false,
      navigationButtons: false,
      zoomSpeed: 0.8
    },
    groups: visGroups(),
    nodes: {
      font: { face: "system-ui, -apple-system, Segoe UI, Roboto, Arial, sans-serif", strokeWidth: 4, strokeColor: "#f7f8fa" },
      scaling: { label: { enabled: true, drawThreshold: 6, maxVisible: 30 } }
    },
    edges: {
      smooth: large ? false : { enabled: true, type: "continuous", roundness: 0.2 },
      arrows: { to: { enabled: false, scaleFactor: 0.55 } },
      color: { inherit: false },
      selectionWidth: 1.5,
      hoverWidth: 0.5
    }
  });

  // ---------------------------------------------------------------- filters and legend
  var groupOn = groups.map(function () { return true; });
  var relationOn = relations.map(function () { return true; });
  var selected = null;

  var ego = null;  // "neighbourhood only": the concepts within the chosen depth of the selection
  function visibleConcept(c) { return groupOn[c.group] && (!ego || !!ego[c.id]); }
  function egoDepth() { return Number(document.getElementById("ego").value) || 0; }
  function computeEgo() {
    var depth = egoDepth();
    if (!depth || !selected) { ego = null; return; }
    var seen = Object.create(null), ring = [selected];
    seen[selected.id] = true;
    for (var d = 0; d < depth; d++) {
      var next = [];
      ring.forEach(function (c) {
        c.links.forEach(function (i) {
          var e = data.edges[i];
          if (!relationOn[e[2]]) return;
          var other = concepts[e[0]] === c ? concepts[e[1]] : concepts[e[0]];
          if (!seen[other.id] && groupOn[other.group]) { seen[other.id] = true; next.push(other); }
        });
      });
      ring = next;
    }
    ego = seen;
  }
  function neighbourhood(c) {
    var near = Object.create(null);
    near[c.id] = true;
    c.links.forEach(function (i) { if (relationOn[data.edges[i][2]]) { near[concepts[data.edges[i][0]].id] = true; near[concepts[data.edges[i][1]].id] = true; } });
    return near;
  }
  function focusMode() { return selected && document.getElementById("dim").checked; }

  /* Dimming around the selection (and the faint relations behind the tree) changes on every
     selection and touches nearly every node and edge. Sent through DataSet.update, vis re-parses
     the options of every item and redraws the whole graph once per call: 0.7 s of a 0.8 s
     selection at 5,000 concepts. So a change of shade alone is painted straight onto vis's drawn
     items (a fresh colour object each, in the form vis stores after parsing) and shown with the
     next frame. Hiding (a filter) still goes through the DataSet, which then carries the item's
     current colours too, so that vis's re-parse of the item keeps its shade. */
  function nodeStyle(c, dim) {
    return dim
      ? { color: { background: DIM_NODE, border: DIM_NODE, highlight: { background: DIM_NODE, border: DIM_NODE }, hover: { background: DIM_NODE, border: DIM_NODE } },
          font: { color: DIM_TEXT, size: c.top ? TOP_FONT.size : FONT.size, bold: !!c.top } }
      : { color: nodeColor(c), font: c.top ? TOP_FONT : FONT };
  }
  function edgeColor(i, shade) {
    var color = shade === "dim" ? DIM_EDGE : relations[data.edges[i][2]].color;
    var opacity = shade === "faint" ? FAINT : shade === "tree" ? TREE : 1;
    return { color: color, highlight: color, hover: color, opacity: opacity };
  }
  function paintNode(c, dim) {
    var node = network.body.nodes[c.id];
    node.options.color = nodeStyle(c, dim).color;
  }
  function paintEdge(i, shade) {
    var color = edgeColor(i, shade);
    color.inherit = false;
    network.body.edges[i].options.color = color;
  }
  var edgeHidden = data.edges.map(function () { return false; });
  var edgeShade = data.edges.map(function (e) { return relations[e[2]].key === "broader" ? "tree" : "faint"; });  // as baseEdge() drew them

  /* Apply filters and neighbourhood dimming, touching only the nodes and edges that change. */
  function refresh() {
    var near = focusMode() ? neighbourhood(selected) : null;
    var faint = layout === "hierarchy" && !near;
    var painted = false;
    var nodeChanges = [];
    concepts.forEach(function (c) {
      var hidden = !visibleConcept(c);
      var dim = !!(near && !near[c.id]);
      if (hidden !== c.shownHidden) {
        var item = nodeStyle(c, dim);
        item.id = c.id; item.hidden = hidden;
        nodeChanges.push(item);
      } else if (dim !== c.shownDim) {
        paintNode(c, dim);
        painted = true;
      }
      c.shownHidden = hidden; c.shownDim = dim;
    });
    var edgeChanges = [];
    data.edges.forEach(function (e, i) {
      var rel = relations[e[2]];
      var hidden = !relationOn[e[2]];
      var lit = !near || ((concepts[e[0]] === selected || concepts[e[1]] === selected) && near[concepts[e[0]].id] && near[concepts[e[1]].id]);
      /* In the hierarchy layout the tree stays in front: other relations are drawn faintly. */
      var shade = !lit ? "dim" : rel.key === "broader" ? (near ? "full" : "tree") : (faint ? "faint" : "full");
      if (hidden !== edgeHidden[i]) {
        edgeChanges.push({ id: i, hidden: hidden, color: edgeColor(i, shade) });
      } else if (shade !== edgeShade[i]) {
        paintEdge(i, shade);
        painted = true;
      }
      edgeHidden[i] = hidden; edgeShade[i] = shade;
    });
    /* A DataSet update redraws at once, paint included; else the paint shows with the next frame. */
    if (nodeChanges.length) nodes.update(nodeChanges);
    if (edgeChanges.length) edges.update(edgeChanges);
    else if (painted && !nodeChanges.length) network.body.emitter.emit("_requestRedraw");
    updateCounts();
  }

  function updateCounts() {
    var shown = 0, links = 0;
    concepts.forEach(function (c) { if (visibleConcept(c)) shown++; });
    data.edges.forEach(function (e) { if (relationOn[e[2]] && visibleConcept(concepts[e[0]]) && visibleConcept(concepts[e[1]])) links++; });
    var tops = groups.filter(function (g) { return g.top; }).length;
    var text = shown === concepts.length
      ? plural(shown, "concept", "concepts") + " · " + plural(links, "link", "links") + " · " + plural(tops, "top concept", "top concepts")
      : shown.toLocaleString("en") + " of " + plural(concepts.length, "concept", "concepts") + " shown · " + plural(links, "link", "links");
    document.getElementById("counts").textContent = text;
  }

  function buildFilters(listId, items, state, sample) {
    var list = document.getElementById(listId);
    items.forEach(function (item, i) {
      var box = el("input", { type: "checkbox", "data-index": String(i) });
      box.checked = true;
      box.addEventListener("change", function () { state[i] = box.checked; computeEgo(); refresh(); refit(); });
      var only = el("button", { type: "button", className: "row-tool only", title: "Show only " + item.label, "aria-label": "Only " + item.label, text: "only" });
      only.addEventListener("click", function () {
        list.querySelectorAll("input").forEach(function (other, j) { other.checked = j === i; state[j] = j === i; });
        computeEgo(); refresh(); refit();
      });
      var tools = [only];
      if (listId === "relations") {
        var pairs = el("button", { type: "button", className: "row-tool pairs", title: "List the " + item.label + " pairs", "aria-label": "List the " + item.label + " pairs", text: "list" });
        pairs.addEventListener("click", function () { showPairs(i); });
        tools.push(pairs);
      }
      list.appendChild(el("li", null, [el("label", { title: item.label }, [box, sample(item), el("span", { className: "name", text: item.label }), el("span", { className: "n", text: item.count.toLocaleString("en") })]), el("span", { className: "row-tools" }, tools)]));
    });
    document.querySelectorAll("[data-all='" + listId + "'], [data-none='" + listId + "']").forEach(function (button) {
      button.addEventListener("click", function () {
        var on = button.hasAttribute("data-all");
        list.querySelectorAll("input").forEach(function (box, i) { box.checked = on; state[i] = on; });
        computeEgo(); refresh(); refit();
      });
    });
  }
  buildFilters("groups", groups, groupOn, function (g) { return swatch(g.color); });
  buildFilters("relations", relations, relationOn, strokeSample);
  document.getElementById("dim").addEventListener("change", refresh);
  document.getElementById("ego").addEventListener("change", function () { computeEgo(); refresh(); refit(); });

  // ---------------------------------------------------------------- layouts
  var layout = "hierarchy";
  function setLayout(name) {
    layout = name;
    nodes.update(concepts.map(function (c) { return { id: c.id, x: c[name][0], y: c[name][1] }; }));
    /* vis re-applies group styles when a node moves: repaint every node. */
    concepts.forEach(function (c) { c.shownDim = null; });
    refresh();
    document.getElementById("layout-hierarchy").setAttribute("aria-pressed", String(name === "hierarchy"));
    document.getElementById("layout-network").setAttribute("aria-pressed", String(name === "network"));
    if (selected) frame(selected, false);
    else fitVisible(false);
    /* vis skips nodes whose cached bounding box lies off screen; the first redraw refreshes
       those boxes at the new positions, the second draws every node where it now is. */
    network.redraw();
    network.redraw();
  }
  document.getElementById("layout-hierarchy").addEventListener("click", function () { setLayout("hierarchy"); });
  document.getElementById("layout-network").addEventListener("click", function () { setLayout("network"); });
  document.getElementById("fit").addEventListener("click", function () { fitVisible(true); });

  // ---------------------------------------------------------------- labels
  /* The page draws the labels itself, after vis has drawn the graph, so that it decides which
     labels show: the selection and its neighbours first, then top concepts, then the best
     connected concepts, each only where it overlaps no label already placed. Zooming in makes
     room, so more labels appear (level of detail). Dimmed labels are drawn first and the
     highlighted ones over them. In the hierarchy layout a leaf's label points outward. */
  var LABEL_FACE = "system-ui, -apple-system, Segoe UI, Roboto, Arial, sans-serif";
  var MAX_LABELS = large ? 220 : 400;
  var byPriority = concepts.slice().sort(function (a, b) { return (b.top - a.top) || (b.degree - a.degree) || (a.label < b.label ? -1 : 1); });
  var measureCtx = document.createElement("canvas").getContext("2d");
  function textWidth(c, bold) {  // at a 100 px font, measured once per concept
    var key = bold ? "wb" : "w";
    if (c[key] === undefined) {
      measureCtx.font = (bold ? "bold " : "") + "100px " + LABEL_FACE;
      c[key] = measureCtx.measureText(c.label).width;
    }
    return c[key];
  }
  /* Font size of a label at a zoom scale. */
  function labelSize(c, scale) {
    var size = c.top ? Math.max(12, Math.min(17, 30 * scale)) : Math.max(10.5, Math.min(14, 16 * scale));
    return c === selected ? Math.max(size, 14) : size;
  }
  /* In the hierarchy layout, the side of a leaf's node its label goes on, away from the centre
     of the rings: 0 below, 1 above, 2 right, 3 left; -1 for other concepts and layouts. */
  function outwardSide(c, node) {
    if (layout !== "hierarchy" || c.narrower.length || c.top) return -1;
    var len = Math.hypot(node.x, node.y) || 1;
    return Math.abs(node.x / len) > 0.45 ? (node.x > 0 ? 2 : 3) : (node.y > 0 ? 0 : 1);
  }
  var drawnOrder = [];
  var placed = [];  // the labels of the last frame: {id, x, y, w, h, dim, lit}
  function labelBoxes(view, w, h) {
    var scale = view.scale, tx = view.translation.x, ty = view.translation.y;
    var near = selected ? neighbourhood(selected) : null;
    var cell = 80, grid = Object.create(null), out = [];
    function free(b) {
      for (var gx = Math.floor(b.x / cell); gx <= Math.floor((b.x + b.w) / cell); gx++) {
        for (var gy = Math.floor(b.y / cell); gy <= Math.floor((b.y + b.h) / cell); gy++) {
          var list = grid[gx + ":" + gy];
          if (list) for (var i = 0; i < list.length; i++) {
            var o = list[i];
            if (b.x < o.x + o.w && o.x < b.x + b.w && b.y < o.y + o.h && o.y < b.y + b.h) return false;
          }
        }
      }
      return true;
    }
    function keep(b) {
      for (var gx = Math.floor(b.x / cell); gx <= Math.floor((b.x + b.w) / cell); gx++) {
        for (var gy = Math.floor(b.y / cell); gy <= Math.floor((b.y + b.h) / cell); gy++) {
          (grid[gx + ":" + gy] = grid[gx + ":" + gy] || []).push(b);
        }
      }
      out.push(b);
    }
    function consider(c, lit) {
      if (c.shownHidden || c.labelled === stamp) return;
      c.labelled = stamp;
      var node = network.body.nodes[c.id];
      if (!node) return;
      var sx = node.x * scale + tx, sy = node.y * scale + ty;
      if (sx < -200 || sy < -60 || sx > w + 200 || sy > h + 60) return;
      var size = labelSize(c, scale);
      /* A highlighted label with no room (on a small screen) tries again in a smaller font. */
      if (!place(c, node, sx, sy, size, lit) && lit) place(c, node, sx, sy, Math.max(9, size * 0.8), lit);
    }
    function place(c, node, sx, sy, size, lit) {
      var bold = !!c.top || c === selected;
      var tw = textWidth(c, bold) * size / 100, th = size * 1.25;
      var r = (node.options.size || 10) * scale + 3;
      var side = outwardSide(c, node);
      var spots = [];
      if (side >= 0) {
        /* A leaf of the radial tree: its label on the outward side, reading away from the centre.
           Only the selection's neighbourhood may slide along that side, then go elsewhere. */
        var ox = side === 2 ? sx + r : side === 3 ? sx - r - tw : sx - tw / 2;
        var oy = side === 0 ? sy + r : side === 1 ? sy - r - th : sy - th / 2;
        spots.push([ox, oy]);
        if (lit) {
          for (var k = 1; k <= 4; k++) {
            [1, -1].forEach(function (sign) {
              if (side >= 2) spots.push([ox, oy + sign * k * th * 0.55]);
              else spots.push([ox + sign * k * tw * 0.3, oy], [ox, oy + (side === 0 ? 1 : -1) * k * th * 0.6]);
            });
          }
        }
      }
      if (side < 0 || lit) {
        spots.push([sx - tw / 2, sy + r], [sx - tw / 2, sy - r - th], [sx + r, sy - th / 2], [sx - r - tw, sy - th / 2]);
      }
      if (lit) {  // the neighbourhood's labels may move a few lines away to find room
        spots.push([sx + r, sy - th * 1.3], [sx + r, sy + th * 0.3], [sx - r - tw, sy - th * 1.3], [sx - r - tw, sy + th * 0.3],
          [sx - tw / 2, sy + r + th], [sx - tw / 2, sy - r - 2 * th], [sx + r * 0.5, sy + r], [sx - tw - r * 0.5, sy + r],
          [sx + r * 0.5, sy - r - th], [sx - tw - r * 0.5, sy - r - th]);
        for (var step = 2; step <= 6; step++) {
          [1, -1].forEach(function (sign) {
            var y = sy + sign * (r + step * th) - (sign < 0 ? th : 0);
            spots.push([sx - tw / 2, y], [sx + r, y], [sx - r - tw, y]);
          });
        }
      }
      /* Spots wholly inside the canvas first; then, for highlighted labels and labels not on a
         leaf, the same spots pushed inside its edges. */
      for (var pass = 0; pass < 2; pass++) {
        if (pass === 1 && side >= 0 && !lit) break;
        for (var n = 0; n < spots.length; n++) {
          var x = spots[n][0], y = spots[n][1];
          var inside = x >= 0 && y >= 0 && x + tw <= w && y + th <= h;
          if (pass === 0 && !inside) continue;
          if (pass === 1) { x = Math.max(2, Math.min(w - tw - 2, x)); y = Math.max(2, Math.min(h - th - 2, y)); }
          var b = { id: c.id, x: x, y: y, w: tw, h: th, size: size, bold: bold, dim: !!c.shownDim, lit: lit };
          if (free(b)) { keep(b); return true; }
        }
      }
      return false;
    }
    stamp++;
    /* No label under the zoom buttons. */
    var tools = document.querySelector(".zoom").getBoundingClientRect(), graphBox = container.getBoundingClientRect();
    if (tools.width) {
      var shelf = { id: null, x: tools.left - graphBox.left - 4, y: tools.top - graphBox.top - 4, w: tools.width + 8, h: tools.height + 8 };
      keep(shelf); out.pop();
    }
    if (selected) {
      consider(selected, true);
      Object.keys(near).forEach(function (id) { if (!byId[id].shownDim) consider(byId[id], true); });
    }
    for (var i = 0; i < byPriority.length && out.length < MAX_LABELS; i++) {
      if (!byPriority[i].shownDim) consider(byPriority[i], false);
    }
    for (i = 0; i < byPriority.length && out.length < MAX_LABELS; i++) consider(byPriority[i], false);
    return out;
  }
  var stamp = 0;
  var labelColors = { ink: INK, dim: DIM_TEXT, halo: CANVAS };
  network.on("afterDrawing", function (ctx) {
    var canvas = container.querySelector("canvas");
    var w = canvas.clientWidth, h = canvas.clientHeight;
    placed = labelBoxes(network.body.view, w, h);
    var ratio = canvas.width / (w || 1);
    ctx.save();
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.textBaseline = "top";
    ctx.lineJoin = "round";
    /* dimmed first, then the rest, the selection's neighbourhood last: highlighted on top */
    var order = placed.slice().sort(function (a, b) { return (b.dim - a.dim) || (a.lit - b.lit); });
    drawnOrder = order;
    order.forEach(function (b) {
      ctx.font = (b.bold ? "bold " : "") + b.size + "px " + LABEL_FACE;
      ctx.lineWidth = 3.5;
      ctx.strokeStyle = labelColors.halo;
      ctx.strokeText(byId[b.id].label, b.x, b.y + b.size * 0.1);
      ctx.fillStyle = b.dim ? labelColors.dim : labelColors.ink;
      ctx.fillText(byId[b.id].label, b.x, b.y + b.size * 0.1);
    });
    ctx.restore();
  });
  function labelAt(x, y) {
    for (var i = placed.length - 1; i >= 0; i--) {
      var b = placed[i];
      if (x >= b.x && x <= b.x + b.w && y >= b.y && y <= b.y + b.h) return b.id;
    }
    return null;
  }

  // ---------------------------------------------------------------- zoom
  function zoomBy(factor) {
    var s = network.getScale() * factor;
    network.moveTo({ scale: Math.max(0.02, Math.min(6, s)), animation: false });
  }
  document.getElementById("zoom-in").addEventListener("click", function () { zoomBy(1.5); });
  document.getElementById("zoom-out").addEventListener("click", function () { zoomBy(1 / 1.5); });
  document.getElementById("zoom-selection").addEventListener("click", function () { if (selected) frame(selected, true); });
  document.getElementById("zoom-fit").addEventListener("click", function () { fitVisible(true); });

  // ---------------------------------------------------------------- the concept card
  var card = document.getElementById("card");
  var emptyCard = card.innerHTML;

  function conceptLink(i) {
    var c = concepts[i];
    return el("li", null, [el("a", { href: "#" + encodeURIComponent(c.id), title: c.definition || c.label }, [swatch(groupOf(c).color), document.createTextNode(c.label)])]);
  }
  function section(title, body) { return body ? [el("h3", { text: title }), body] : []; }
  function linkList(indices) { return indices.length ? el("ul", { className: "links" }, indices.map(conceptLink)) : null; }

  function renderCard(c) {
    var parts = [];
    var g = groupOf(c);
    parts.push(el("p", { className: "kicker" }, [swatch(g.color), document.createTextNode(c.top ? tr("Top concept") : g.label)]));
    var up = chains(c, 4);
    if (up.length && up[0].length) {
      parts.push(el("nav", { className: "chains", "aria-label": "Broader concepts, from the top" }, up.map(function (chain) {
        var p = el("p", { className: "chain" });
        chain.forEach(function (b, n) {
          if (n) p.appendChild(el("span", { className: "sep", "aria-hidden": "true", text: " › " }));
          p.appendChild(el("a", { href: "#" + encodeURIComponent(b.id), text: b.label }));
        });
        return p;
      })));
    }
    var title = el("h2", { className: "pref", id: "card-title", text: c.label });
    if (c.notation) title.appendChild(el("span", { className: "notation", text: "  " + c.notation }));
    parts.push(title);
    parts.push(c.definition ? el("p", { className: "definition", text: c.definition }) : el("p", { className: "definition missing", text: tr("No definition yet.") }));
    if (c.labelFallback || c.definitionFallback) {
      var missing = c.labelFallback && c.definitionFallback ? "label and definition" : c.labelFallback ? "label" : "definition";
      var sentence = UI[LANG] && UI[LANG][missing] ? UI[LANG][missing] : "Not yet in " + LANG_INFO.name + ": " + missing + " shown in " + FALLBACK_NAME + ".";
      parts.push(el("p", { className: "fallback", id: "card-fallback", text: sentence }));
    }
    parts = parts.concat(section(tr("Broader"), linkList(c.broader)));
    parts = parts.concat(section(tr("Narrower"), linkList(c.narrower)));
    if (c.related.length) {
      var rel = el("div", { className: "related" });
      c.related.forEach(function (r) { rel.appendChild(el("h4", { text: r[0] })); rel.appendChild(linkList(r[1])); });
      parts = parts.concat(section(tr("Related"), rel));
    }
    if (memberOf[c.index].length) {
      parts = parts.concat(section(tr("Collections"), el("ul", { className: "plain" }, memberOf[c.index].map(function (m) {
        var k = collections[m[0]];
        var open = el("button", { type: "button", className: "link", text: k.label });
        open.addEventListener("click", function () { showCollection(k.index); });
        return el("li", null, [open, k.ordered ? document.createTextNode(" (" + (m[1] + 1) + " of " + k.members.length + ")") : null]);
      }))));
    }
    if (c.alt.length) parts = parts.concat(section(tr("Alternative labels"), el("p", { className: "labels" }, c.alt.map(function (a) { return el("span", { text: a }); }))));
    var elsewhere = languages.filter(function (l) { return l.tag !== LANG; }).map(function (l) {
      var text = l.tag === FALLBACK ? c.en[0] : c.tr && c.tr[l.tag] && c.tr[l.tag][0];
      return text ? el("li", null, [el("b", { text: l.name + " " }), el("span", { lang: l.tag, text: text })]) : null;
    }).filter(Boolean);
    if (elsewhere.length) parts = parts.concat(section(tr("In other languages"), el("ul", { className: "plain languages" }, elsewhere)));
    /* Notes written in the chosen language first, then the English ones (most notes exist only in English). */
    var own = LANG !== FALLBACK && c.tr && c.tr[LANG] ? c.tr[LANG][4] || [] : [];
    var notes = own.map(function (n) { return [n, LANG]; }).concat(c.notes.map(function (n) { return [n, FALLBACK]; }));
    if (notes.length) parts = parts.concat(section(tr("Notes"), el("div", null, notes.map(function (item) {
      var n = item[0];
      var head = tr(n[0]) + (LANG !== FALLBACK && item[1] === FALLBACK ? " " + say("({language})", { language: FALLBACK_NAME }) : "");
      return el("p", { className: "note", lang: item[1] }, [el("b", { text: head }), document.createTextNode(n[1])]);
    }))));
    if (c.facts.length) {
      var dl = el("dl", { className: "facts" });
      c.facts.forEach(function (f) { dl.appendChild(el("dt", { text: f[0] })); dl.appendChild(el("dd", { text: f[1] })); });
      parts = parts.concat(section(tr("Facts"), dl));
    }
    if (c.sources.length) {
      parts = parts.concat(section(tr("Sources"), el("ul", { className: "plain" }, c.sources.map(function (s) {
        return el("li", null, [s[1] ? el("a", { href: s[1], target: "_blank", rel: "noopener noreferrer", text: s[0] }) : document.createTextNode(s[0])]);
      }))));
    }
    var copy = el("button", { type: "button", text: tr("Copy") });
    copy.addEventListener("click", function () {
      if (navigator.clipboard) navigator.clipboard.writeText(c.iri).then(function () { copy.textContent = tr("Copied"); }, function () {});
    });
    parts = parts.concat(section("IRI", el("p", { className: "iri" }, [el("code", { text: c.iri }), copy])));
    card.replaceChildren.apply(card, parts);
    card.scrollTop = 0;
  }

  /* Every pair of one relation type, in the card, each end a link to its concept. */
  function showPairs(r) {
    var rel = relations[r];
    var list = el("ol", { className: "pairs" });
    data.edges.forEach(function (e) {
      if (e[2] !== r) return;
      list.appendChild(el("li", null, [pairLink(e[0]), el("span", { className: "rel", text: rel.directed ? " " + rel.label + " → " : " " + rel.label + " — " }), pairLink(e[1])]));
    });
    card.replaceChildren(
      el("p", { className: "kicker" }, [strokeSample(rel), document.createTextNode("Relation")]),
      el("h2", { className: "pref", id: "pairs-title", text: rel.label }),
      el("p", { className: "definition", text: plural(rel.count, "pair", "pairs") + (rel.directed ? ", each read from left to right." : "; the relation goes both ways.") }),
      list);
    card.scrollTop = 0;
    openCard();
  }
  function pairLink(i) {
    var c = concepts[i];
    return el("a", { href: "#" + encodeURIComponent(c.id), title: c.definition || c.label, text: c.label });
  }
  /* Panels that collapse. Below 800 px the side panel is a drawer over the graph, closed at
     first, and the card a bottom sheet, opened by selecting a concept. */
  var narrow = window.matchMedia("(max-width: 800px)");
  function setPanel(name, open) {
    document.body.classList.toggle(name + "-closed", !open);
    document.getElementById("toggle-" + name).setAttribute("aria-expanded", String(open));
    network.redraw();
  }
  function panelOpen(name) { return !document.body.classList.contains(name + "-closed"); }
  function openCard() { if (!panelOpen("card")) setPanel("card", true); }
  document.getElementById("toggle-side").addEventListener("click", function () { setPanel("side", !panelOpen("side")); });
  document.getElementById("toggle-card").addEventListener("click", function () {
    setPanel("card", !panelOpen("card"));
    if (selected && panelOpen("card")) frame(selected, false);
  });
  if (narrow.matches) { setPanel("side", false); setPanel("card", false); }

  // ---------------------------------------------------------------- outline: tree, A–Z, collections
  var collections = data.collections || [];
  var memberOf = concepts.map(function () { return []; });
  collections.forEach(function (k, n) { k.index = n; k.members.forEach(function (m, pos) { memberOf[m].push([n, pos]); }); });
  var roots = concepts.filter(function (c) { return c.top; }).concat(concepts.filter(function (c) { return !c.top && !c.broader.length; }))
    .sort(function (a, b) { return (b.top - a.top) || a.label.localeCompare(b.label, "en"); });
  function byLabel(a, b) { return concepts[a].label.localeCompare(concepts[b].label, "en"); }

  /* Every chain of broader concepts from a top concept down to c (at most `limit`). */
  function chains(c, limit) {
    var out = [];
    (function up(node, path) {
      if (out.length >= limit) return;
      if (!node.broader.length) { out.push([node].concat(path)); return; }
      node.broader.forEach(function (b) {
        var parent = concepts[b];
        if (path.indexOf(parent) < 0 && parent !== c) up(parent, [node].concat(path));
      });
    })(c, []);
    return out.map(function (chain) { return chain.slice(0, -1); });
  }

  var tabNames = ["legend", "tree", "az", "collections"];
  var built = {};
  function showTab(name) {
    tabNames.forEach(function (t) {
      document.getElementById("tab-" + t).setAttribute("aria-selected", String(t === name));
      document.getElementById("tab-" + t).tabIndex = t === name ? 0 : -1;
      document.getElementById("panel-" + t).hidden = t !== name;
    });
    if (!built[name]) { built[name] = true; if (name === "tree") buildTree(); if (name === "az") buildAZ(); if (name === "collections") buildCollections(); }
    syncOutline(true);
  }
  tabNames.forEach(function (t, n) {
    var tab = document.getElementById("tab-" + t);
    tab.addEventListener("click", function () { showTab(t); });
    tab.addEventListener("keydown", function (event) {
      var step = event.key === "ArrowRight" ? 1 : event.key === "ArrowLeft" ? -1 : 0;
      if (!step) return;
      var next = tabNames[(n + step + tabNames.length) % tabNames.length];
      showTab(next); document.getElementById("tab-" + next).focus();
    });
  });
  function outlineLink(c) {
    return el("a", { href: "#" + encodeURIComponent(c.id), "data-id": c.id, title: c.definition || c.label }, [swatch(groupOf(c).color), el("span", { text: c.label })]);
  }

  /* The hierarchy as a collapsible tree; a concept with several broader concepts appears under
     each. Children are built when their parent is first opened. */
  function treeItem(c, ancestors) {
    var li = el("li", { role: "treeitem", "data-id": c.id });
    var row = el("div", { className: "row" });
    if (c.narrower.length) {
      li.setAttribute("aria-expanded", "false");
      var toggle = el("button", { type: "button", className: "twisty", "aria-label": "Narrower concepts of " + c.label, tabindex: "-1" });
      toggle.addEventListener("click", function () { setOpen(li, c, ancestors, li.getAttribute("aria-expanded") !== "true"); });
      row.appendChild(toggle);
    } else {
      row.appendChild(el("span", { className: "twisty leaf", "aria-hidden": "true" }));
    }
    var link = outlineLink(c);
    link.tabIndex = -1;  // the tree is one tab stop; the arrow keys move inside it
    row.appendChild(link);
    if (c.narrower.length) row.appendChild(el("span", { className: "n", text: String(c.narrower.length) }));
    li.appendChild(row);
    li.tabIndex = -1;
    li.cxAncestors = ancestors;
    return li;
  }
  function setOpen(li, c, ancestors, open) {
    if (!c.narrower.length) return;
    var group = li.querySelector(":scope > ul");
    if (open && !group) {
      group = el("ul", { role: "group" });
      var path = ancestors.concat([c.id]);
      c.narrower.slice().sort(byLabel).forEach(function (n) {
        if (path.indexOf(concepts[n].id) < 0) group.appendChild(treeItem(concepts[n], path));
      });
      li.appendChild(group);
      markCurrent(group);
    }
    if (group) group.hidden = !open;
    li.setAttribute("aria-expanded", String(open));
  }
  function buildTree() {
    var tree = document.getElementById("tree");
    roots.forEach(function (c) { tree.appendChild(treeItem(c, [])); });
    if (tree.firstElementChild) tree.firstElementChild.tabIndex = 0;
    tree.addEventListener("keydown", treeKey);
    tree.addEventListener("focusin", function (event) {
      var item = event.target.closest("li[role=treeitem]");
      if (item) rove(item, false);
    });
  }
  /* Keyboard in the tree, as in the ARIA tree pattern: one item is the tab stop; Up and Down move
     between the items shown, Home and End to the first and last, Right opens an item or moves to
     its first child, Left closes it or moves to its parent, Enter selects the concept. */
  function shownItems() {
    return Array.prototype.filter.call(document.querySelectorAll("#tree li[role=treeitem]"), function (li) { return !li.closest("ul[hidden]"); });
  }
  function rove(item, focus) {
    document.querySelectorAll("#tree li[tabindex='0']").forEach(function (li) { if (li !== item) li.tabIndex = -1; });
    item.tabIndex = 0;
    if (focus) { item.focus(); item.querySelector(":scope > .row").scrollIntoView({ block: "nearest" }); }
  }
  function treeKey(event) {
    var item = event.target.closest("li[role=treeitem]");
    if (!item || event.altKey || event.ctrlKey || event.metaKey) return;
    var c = byId[item.getAttribute("data-id")];
    var open = item.getAttribute("aria-expanded") === "true";
    var items, at, next = null;
    switch (event.key) {
      case "ArrowDown": case "ArrowUp":
        items = shownItems(); at = items.indexOf(item);
        next = items[at + (event.key === "ArrowDown" ? 1 : -1)] || null;
        break;
      case "Home": next = shownItems()[0]; break;
      case "End": items = shownItems(); next = items[items.length - 1]; break;
      case "ArrowRight":
        if (c.narrower.length && !open) setOpen(item, c, item.cxAncestors, true);
        else if (open) next = item.querySelector(":scope > ul > li[role=treeitem]");
        break;
      case "ArrowLeft":
        if (open) setOpen(item, c, item.cxAncestors, false);
        else next = item.parentNode.closest("li[role=treeitem]");
        break;
      case "Enter": case " ":
        select(c.id, { animate: true });
        break;
      default: return;
    }
    event.preventDefault();
    event.stopPropagation();
    if (next) rove(next, true);
  }
  /* Open the tree along the concept's first chain of broader concepts; the item it ends on. */
  function revealInTree(c) {
    var chain = chains(c, 1)[0] || [];
    var list = document.getElementById("tree");
    var item = null;
    chain.concat([c]).forEach(function (step, n) {
      if (!list) return;
      item = list.querySelector(":scope > li[data-id='" + CSS.escape(step.id) + "']");
      if (!item) { list = null; return; }
      if (n < chain.length) { setOpen(item, step, item.cxAncestors, true); list = item.querySelector(":scope > ul"); }
    });
    return item;
  }
  function buildAZ() {
    var box = document.getElementById("az");
    var sorted = concepts.slice().sort(function (a, b) { return a.label.localeCompare(b.label, LANG); });
    var letters = el("p", { className: "letters" });
    var current = null, list = null;
    box.appendChild(letters);
    sorted.forEach(function (c) {
      var letter = c.label.charAt(0).toLocaleUpperCase("en");
      if (!/[A-Z]/.test(letter)) letter = "#";
      if (letter !== current) {
        current = letter;
        var heading = el("h3", { id: "az-" + letter, text: letter });
        var jump = el("a", { href: "#az-" + letter, text: letter });
        jump.addEventListener("click", function (event) { event.preventDefault(); heading.scrollIntoView({ block: "start" }); });
        letters.appendChild(jump);
        list = el("ul", { className: "az" });
        box.appendChild(heading); box.appendChild(list);
      }
      list.appendChild(el("li", null, [outlineLink(c)]));
    });
  }
  function buildCollections() {
    var box = document.getElementById("collections");
    if (!collections.length) box.appendChild(el("p", { className: "hint", text: "This vocabulary has no collections." }));
    collections.forEach(function (k) {
      var summary = el("summary", null, [el("span", { className: "name", text: k.label }), el("span", { className: "n", text: (k.ordered ? "in order · " : "") + k.members.length })]);
      var members = el(k.ordered ? "ol" : "ul", { className: "members" }, k.members.map(function (m) { return el("li", null, [outlineLink(concepts[m])]); }));
      var open = el("button", { type: "button", className: "link", text: "Open as a card" });
      open.addEventListener("click", function () { showCollection(k.index); });
      box.appendChild(el("details", { id: "collection-" + k.id }, [summary, el("p", { className: "hint" }, [open]), members]));
    });
  }
  function markCurrent(scope) {
    (scope || document).querySelectorAll(".outline a[aria-current]").forEach(function (a) { a.removeAttribute("aria-current"); });
    if (!selected) return;
    var sel = ".outline a[data-id='" + CSS.escape(selected.id) + "']";
    if (scope) sel = "a[data-id='" + CSS.escape(selected.id) + "']";
    (scope || document).querySelectorAll(sel).forEach(function (a) { a.setAttribute("aria-current", "true"); });
  }
  /* Keep the outline on the selection: open the tree down to it, mark it, scroll it into view. */
  function syncOutline(scroll) {
    var item = null;
    if (selected && built.tree) item = revealInTree(selected);
    var focused = document.activeElement;
    if (item && !(focused && focused.closest && focused.closest("#tree"))) rove(item, false);  // the tab stop follows, unless the keys are moving in the tree
    markCurrent();
    if (!selected || !scroll) return;
    var shown = tabNames.filter(function (t) { return !document.getElementById("panel-" + t).hidden; })[0];
    var target = shown === "tree" ? item && item.querySelector(":scope > .row a")
      : shown === "az" ? document.querySelector("#az a[data-id='" + CSS.escape(selected.id) + "']")
      : shown === "collections" ? document.querySelector("#collections a[data-id='" + CSS.escape(selected.id) + "']") : null;
    if (target) target.scrollIntoView({ block: "nearest" });
  }
  function showCollection(n) {
    var k = collections[n];
    card.replaceChildren(
      el("p", { className: "kicker", text: k.ordered ? "Ordered collection" : "Collection" }),
      el("h2", { className: "pref", id: "collection-title", text: k.label }),
      k.definition ? el("p", { className: "definition", text: k.definition }) : null,
      el("h3", { text: plural(k.members.length, "member", "members") + (k.ordered ? ", in order" : "") }),
      el(k.ordered ? "ol" : "ul", { className: k.ordered ? "plain ordered" : "links" }, k.members.map(function (m) { return k.ordered ? el("li", null, [pairLink(m)]) : conceptLink(m); })));
    card.scrollTop = 0;
    openCard();
  }
  function searchCollections(query) {
    var q = norm(query);
    if (q.length < 2) return [];
    return collections.filter(function (k) { return norm(k.label).indexOf(q) >= 0 || words(k.label).some(function (w) { return w.indexOf(q) === 0; }); }).slice(0, 4);
  }

  // ---------------------------------------------------------------- selection and the URL
  /* Screen readers hear the name of the selected concept only, not the whole card. */
  var live = document.getElementById("announce");
  function announce(text) { live.textContent = ""; setTimeout(function () { live.textContent = text; }, 30); }
  function select(id, how) {
    var c = byId[id];
    if (!c) return false;
    if (!groupOn[c.group]) {  // a filtered-out concept becomes visible again when chosen
      groupOn[c.group] = true;
      document.querySelector("#groups input[data-index='" + c.group + "']").checked = true;
    }
    selected = c;
    computeEgo();
    openCard();
    if (narrow.matches && panelOpen("side")) setPanel("side", false);  // the drawer would hide the graph
    /* The move first: while it runs, vis draws every frame anyway and skips the redraws that
       restyling and selecting ask for, which would each draw the whole graph once more. */
    frame(c, !!(how && how.animate));
    refresh();
    network.selectNodes([c.id]);
    renderCard(c);
    syncOutline(true);
    if (decodeURIComponent(location.hash.slice(1)) !== c.id) {
      location.hash = encodeURIComponent(c.id);
    }
    announce(c.label);
    return true;
  }
  /* vis animates a move in a fixed number of frames (about 27 for 450 ms), so each frame must
     be quick. A big graph flies without its links, as when it is zoomed or dragged
     (hideEdgesOnZoom): vis leaves edges out of the frames drawn while its renderer is zooming.
     animationFinished fires at the start of the last frame, which draws the links again. */
  var flying = false;
  network.on("animationFinished", function () {
    if (flying) { flying = false; network.renderer.zooming = false; }
  });
  /* Frame the concept with every visible neighbour: their nodes and the labels they want, fitted
     into the graph's box with a margin. The move is animated only when it is short (a nearby
     target at a similar zoom); a long flight would only blur the picture. */
  /* How far a node and its first-choice label reach from the node's centre on screen at a zoom
     scale, in pixels: [left, right, up, down]. A label wider than `cap` counts as `cap`. */
  function reach(c, node, scale, cap) {
    var r = (node.options.size || 10) * scale + 3;
    var size = labelSize(c, scale);
    var tw = Math.min(cap, textWidth(c, !!c.top || c === selected) * size / 100), th = size * 1.25;
    var half = Math.max(r, tw / 2), mid = Math.max(r, th / 2);
    switch (outwardSide(c, node)) {
      case 2: return [r, r + tw, mid, mid];
      case 3: return [r + tw, r, mid, mid];
      case 1: return [half, half, r + th, r];
      default: return [half, half, r, r + th];  // below the node
    }
  }
  var lastMove = null;
  function moveToIds(ids, animate, maxScale, cap) {
    var w = container.clientWidth, h = container.clientHeight;
    var items = ids.map(function (id) { return [byId[id], network.body.nodes[id]]; }).filter(function (it) { return it[0] && it[1]; });
    if (!w || !h || !items.length) return;
    var pad = Math.max(12, Math.min(36, Math.min(w, h) * 0.045));  // the labels are inside the box
    var tools = document.querySelector(".zoom").offsetWidth;
    var padRight = Math.max(pad, tools + 16);  // keep the zoom buttons clear
    var roomW = Math.max(w - pad - padRight, 10), roomH = Math.max(h - 2 * pad, 10);
    function extent(s, room) {  // [left, right, top, bottom] on screen, the canvas origin at 0
      var e = [Infinity, -Infinity, Infinity, -Infinity];
      for (var i = 0; i < items.length; i++) {
        var node = items[i][1], r = reach(items[i][0], node, s, room);
        e[0] = Math.min(e[0], node.x * s - r[0]); e[1] = Math.max(e[1], node.x * s + r[1]);
        e[2] = Math.min(e[2], node.y * s - r[2]); e[3] = Math.max(e[3], node.y * s + r[3]);
      }
      return e;
    }
    function fits(s, room) { var e = extent(s, room); return e[1] - e[0] <= roomW && e[3] - e[2] <= roomH; }
    var room = cap, lo = 1e-4, hi = maxScale || 1.4;
    if (!fits(lo, room)) room = 0;
    if (fits(hi, room)) lo = hi;
    else for (var step = 0; step < 30; step++) { var mid = Math.sqrt(lo * hi); if (fits(mid, room)) lo = mid; else hi = mid; }
    var scale = lo, e = extent(scale, room);
    var left = pad + (roomW - (e[1] - e[0])) / 2, top = pad + (roomH - (e[3] - e[2])) / 2;
    var centre = { x: (e[0] + w / 2 - left) / scale, y: (e[2] + h / 2 - top) / scale };
    var now = network.getViewPosition(), nowScale = network.getScale();
    var ratio = scale / nowScale;
    var distance = Math.hypot(now.x - centre.x, now.y - centre.y) * Math.min(scale, nowScale);
    var short = distance < 1.2 * Math.max(w, h) && ratio > 0.3 && ratio < 3.3;
    lastMove = { animated: !!(animate && short), scale: scale };
    if (animate && short && large) { flying = true; network.renderer.zooming = true; }
    network.moveTo({ position: centre, scale: scale, animation: animate && short ? { duration: 380, easingFunction: "easeInOutQuad" } : false });
  }
  function frame(c, animation) {
    var ids = Object.keys(neighbourhood(c)).filter(function (id) { return visibleConcept(byId[id]); });
    moveToIds(ids, !!animation, 1.4, container.clientWidth * 0.2);
  }
  /* The overview leaves room beside the outer ring for the leaves' outward labels, up to this
     share of the graph's width each. */
  var FIT_LABEL_ROOM = 0.03;
  function visibleIds() { return concepts.filter(visibleConcept).map(function (c) { return c.id; }); }
  function fitVisible(animate) {
    var ids = visibleIds();
    moveToIds(ids, animate, ids.length === concepts.length ? 1 : 1.2, container.clientWidth * FIT_LABEL_ROOM);
  }
  /* After a filter change: keep the selection framed, or show what is left. */
  function refit() {
    if (selected && visibleConcept(selected)) frame(selected, true);
    else fitVisible(true);
  }
  function clearSelection() {
    selected = null;
    ego = null;
    network.unselectAll();
    card.innerHTML = emptyCard;
    refresh();
    markCurrent();
    if (location.hash) {
      try { history.replaceState(null, "", location.pathname + location.search); } catch (err) { location.hash = ""; }
    }
  }
  network.on("click", function (params) {
    var onLabel = params.nodes.length ? null : labelAt(params.pointer.DOM.x, params.pointer.DOM.y);
    if (params.nodes.length) select(params.nodes[0], { animate: true });
    else if (onLabel) select(onLabel, { animate: true });
    else if (!params.edges.length) clearSelection();
  });
  function fromAddress(animate) {
    var text = decodeURIComponent(location.hash.slice(1));
    if (!text) return false;
    var c = resolve(text);
    if (!c) { showUnknown(text); return true; }
    if (c.id !== text) {  // #NPS, #cxg:… or a label: keep the canonical address
      try { history.replaceState(null, "", "#" + encodeURIComponent(c.id)); } catch (err) { /* file: in some browsers */ }
    }
    if (!selected || selected.id !== c.id) select(c.id, { animate: animate });
    return true;
  }
  /* An address naming no concept: say so, with the closest names, over the whole vocabulary. */
  function showUnknown(text) {
    if (selected) clearSelection();
    var near = search(text).slice(0, 5);
    var notice = el("div", { className: "unknown", role: "alert" }, [
      el("h2", { text: "No concept “" + text + "” in this vocabulary" }),
      near.length ? el("p", { text: "Did you mean:" }) : el("p", { text: "The address takes a slug (net-promoter-score), a cxg: name, a label or an acronym (NPS)." }),
      near.length ? linkList(near.map(function (h) { return h.concept.index; })) : null
    ]);
    card.innerHTML = emptyCard;
    card.insertBefore(notice, card.firstChild);
    announce("No concept " + text);
  }
  window.addEventListener("hashchange", function () { fromAddress(true); });

  // ---------------------------------------------------------------- search
  /* Text is compared folded: no accents, no case, no spaces or punctuation. A minus sign in front
     of a number stays meaningful ("Tier -1" is not "Tier 1"): it is read as the word "minus". */
  function fold(text) {
    return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/(^|[^a-z0-9])[-\u2212](?=\d)/g, "$1 minus ");
  }
  function norm(text) { return fold(text).replace(/[^a-z0-9]+/g, ""); }
  function words(text) { return fold(text).split(/[^a-z0-9]+/).filter(Boolean); }
  var KIND_RANK = { pref: 0, alt: 1, hidden: 2 };
  var index = [];
  var exact = Object.create(null);  // folded label → [concept, kind] of its best owner
  var vocabulary = null;  // every distinct word of every label, collected on the first typo search
  var everyLanguage = false;
  /* The labels search looks at: the chosen language's (English where a concept has none), or,
     when the user asks, every language's, each entry remembering its language. */
  function buildIndex() {
    index = [];
    exact = Object.create(null);
    vocabulary = null;
    concepts.forEach(function (c) {
      var sets = [[LANG, c.label, c.alt, c.hidden]];
      if (everyLanguage) {
        if (LANG !== FALLBACK) sets.push([FALLBACK, c.en[0], c.en[2], c.en[3]]);
        Object.keys(c.tr || {}).forEach(function (tag) { if (tag !== LANG) sets.push([tag, c.tr[tag][0], c.tr[tag][2], c.tr[tag][3]]); });
      }
      sets.forEach(function (s) {
        var tag = s[0] === LANG && c.labelFallback ? FALLBACK : s[0];
        if (s[1]) index.push([c, "pref", s[1], norm(s[1]), words(s[1]), tag]);
        s[2].forEach(function (a) { index.push([c, "alt", a, norm(a), words(a), tag]); });
        s[3].forEach(function (h) { index.push([c, "hidden", h, norm(h), words(h), tag]); });
      });
    });
    index.forEach(function (entry) {
      var prev = exact[entry[3]];
      var rank = KIND_RANK[entry[1]] + (entry[5] === LANG ? 0 : 3);
      if (!prev || rank < prev[2]) exact[entry[3]] = [entry[0], entry[1], rank];
    });
  }
  buildIndex();
  function allWords() {
    if (!vocabulary) {
      var seen = Object.create(null);
      index.forEach(function (entry) { entry[4].forEach(function (w) { seen[w] = true; }); });
      vocabulary = Object.keys(seen);
    }
    return vocabulary;
  }
  /* Edit distance with adjacent transpositions, giving up once it exceeds `limit`. */
  function distance(a, b, limit) {
    if (Math.abs(a.length - b.length) > limit) return limit + 1;
    var prev2 = null, prev = [], cur;
    for (var j = 0; j <= b.length; j++) prev.push(j);
    for (var i = 1; i <= a.length; i++) {
      cur = [i];
      var best = i;
      for (j = 1; j <= b.length; j++) {
        var cost = a[i - 1] === b[j - 1] ? 0 : 1;
        var v = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
        if (prev2 && i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, prev2[j - 2] + 1);
        cur.push(v);
        if (v < best) best = v;
      }
      if (best > limit) return limit + 1;
      prev2 = prev; prev = cur;
    }
    return prev[b.length];
  }
  /* "avg" abbreviates "average": same first letter, its letters in order. */
  function abbreviates(short, word) {
    if (short.length < 2 || short.length >= word.length || short[0] !== word[0]) return false;
    for (var i = 0, j = 0; j < word.length && i < short.length; j++) if (word[j] === short[i]) i++;
    return i === short.length;
  }
  /* The cost of reading the typed word `q` as the label word `w` (Infinity: no match). */
  function wordCost(q, w) {
    if (q === w) return 0;
    if (w.indexOf(q) === 0) return 0.2;
    if (/^\d+$/.test(q) || /^\d+$/.test(w)) return Infinity;  // numbers are never "nearly" equal
    var limit = q.length < 4 ? 0 : q.length < 8 ? 1 : 2;
    var d = limit ? distance(q, w, limit) : limit + 1;
    if (d <= limit) return 0.8 * d;
    if (abbreviates(q, w)) return 0.6;
    return Infinity;
  }
  /* Typo-tolerant matches: every typed word must read as some word of the label. */
  function fuzzy(query) {
    var typed = words(query);
    if (!typed.length || norm(query).length < 3) return [];
    var costs = typed.map(function (q) {
      var found = Object.create(null);
      allWords().forEach(function (w) { var k = wordCost(q, w); if (k < Infinity) found[w] = k; });
      return found;
    });
    var out = [];
    index.forEach(function (entry) {
      var total = 0, used = 0;
      for (var i = 0; i < costs.length; i++) {
        var best = Infinity;
        entry[4].forEach(function (w) { if (costs[i][w] !== undefined && costs[i][w] < best) best = costs[i][w]; });
        if (best === Infinity) return;
        total += best; used++;
      }
      if (total === 0 && entry[4].length === used) return;  // an exact match, found already
      out.push([entry, total + 0.1 * Math.max(0, entry[4].length - used)]);
    });
    return out;
  }

  function search(query) {
    var q = norm(query);
    if (!q) return [];
    var best = Object.create(null);
    function offer(entry, score, fuzzyMatch) {
      var rank = [score, entry[5] === LANG ? 0 : 1, KIND_RANK[entry[1]], entry[0].label.length, entry[0].label.toLowerCase()];
      var prev = best[entry[0].id];
      if (!prev || compare(rank, prev.rank) < 0) best[entry[0].id] = { concept: entry[0], kind: entry[1], text: entry[2], tag: entry[5], rank: rank, fuzzy: fuzzyMatch };
    }
    index.forEach(function (entry) {
      var key = entry[3];
      if (key === q) offer(entry, 0, false);
      else if (key.indexOf(q) === 0) offer(entry, 1, false);
      else if (entry[4].some(function (w) { return w.indexOf(q) === 0; })) offer(entry, 2, false);
      else if (key.indexOf(q) > 0) offer(entry, 3, false);
    });
    /* Typo matches rank below every exact, prefix and substring match. */
    fuzzy(query).forEach(function (found) { offer(found[0], 4 + found[1], true); });
    return Object.keys(best).map(function (k) { return best[k]; }).sort(function (a, b) { return compare(a.rank, b.rank); }).slice(0, 12);
  }
  function compare(a, b) {
    for (var i = 0; i < a.length; i++) { if (a[i] < b[i]) return -1; if (a[i] > b[i]) return 1; }
    return 0;
  }
  /* The concept an address or a name means: slug, cxg: name, IRI, label or acronym. */
  var byIri = Object.create(null);
  concepts.forEach(function (c) { byIri[c.iri] = c; });
  function resolve(text) {
    var t = (text || "").trim();
    if (!t) return null;
    if (byId[t]) return byId[t];
    if (t.indexOf("cxg:") === 0 && byId[t.slice(4)]) return byId[t.slice(4)];
    if (byIri[t]) return byIri[t];
    var hit = exact[norm(t)];
    if (hit) return hit[0];
    var slug = byId[t.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "")];
    return slug || null;
  }

  var input = document.getElementById("search");
  var results = document.getElementById("results");
  /* The language switch reloads the page in the chosen language ("?lang=" keeps the concept in
     the #fragment); "all languages" makes search read every language's labels. */
  var switcher = document.getElementById("language");
  if (switcher) {
    languages.forEach(function (l) {
      var option = el("option", { value: l.tag, text: l.name + (l.partial ? " (partial)" : "") });
      if (l.tag === LANG) option.selected = true;
      switcher.appendChild(option);
    });
    switcher.hidden = languages.length < 2;
    switcher.addEventListener("change", function () {
      var params = new URLSearchParams(location.search);
      if (switcher.value === FALLBACK) params.delete("lang"); else params.set("lang", switcher.value);
      var query = params.toString();
      location.href = location.pathname + (query ? "?" + query : "") + location.hash;
    });
  }
  var allLanguages = document.getElementById("all-languages");
  if (allLanguages) {
    allLanguages.parentNode.hidden = languages.length < 2;
    allLanguages.addEventListener("change", function () {
      everyLanguage = allLanguages.checked;
      buildIndex();
      if (input.value.trim()) showResults();
    });
  }
  var hits = [];
  var active = -1;
  var chosen = null;  // the label put into the box by choosing a result, until the user edits it

  function showResults() {
    hits = search(input.value);
    active = hits.length ? 0 : -1;
    results.replaceChildren();
    if (!input.value.trim()) { closeResults(); return; }
    if (!hits.length) {
      results.appendChild(el("li", { className: "none", text: say("No concept matches “{q}”.", { q: input.value.trim() }) }));
    } else if (hits[0].fuzzy) {
      results.appendChild(el("li", { className: "none mean", id: "did-you-mean" }, [el("span", null, [
        document.createTextNode(tr("No exact match. Did you mean ")), el("b", { text: hits[0].concept.label }), document.createTextNode("?")])]));
    }
    searchCollections(input.value).forEach(function (k) { hits.push({ collection: k }); });
    if (active < 0 && hits.length) active = 0;
    hits.forEach(function (hit, i) {
      if (hit.collection) {
        var entry = el("li", { id: "result-" + i, role: "option", "aria-selected": String(i === active), "data-collection": hit.collection.id }, [
          el("span", { className: "label", text: hit.collection.label }), el("span", { className: "group", text: (hit.collection.ordered ? "ordered collection · " : "collection · ") + hit.collection.members.length })]);
        entry.addEventListener("mousedown", function (event) { event.preventDefault(); choose(i); });
        results.appendChild(entry);
        return;
      }
      var other = hit.tag && hit.tag !== LANG && hit.text !== hit.concept.label;
      var via = hit.kind === "pref" && !other ? null : el("span", { className: "via", lang: hit.tag || LANG,
        text: say(hit.kind === "hidden" ? "misspelt “{text}”" : "also “{text}”", { text: hit.text }) + (other ? " (" + hit.tag + ")" : "") });
      var item = el("li", { id: "result-" + i, role: "option", "aria-selected": String(i === active), "data-id": hit.concept.id }, [
        swatch(groupOf(hit.concept).color), el("span", { className: "label", text: hit.concept.label }), via,
        el("span", { className: "group", text: hit.concept.top ? "top concept" : groupOf(hit.concept).label })
      ]);
      item.addEventListener("mousedown", function (event) { event.preventDefault(); choose(i); });
      results.appendChild(item);
    });
    results.hidden = false;
    input.setAttribute("aria-expanded", "true");
    input.setAttribute("aria-activedescendant", active >= 0 ? "result-0" : "");
  }
  function closeResults() {
    results.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
  }
  function move(step) {
    if (!hits.length) return;
    active = (active + step + hits.length) % hits.length;
    results.querySelectorAll("li").forEach(function (li, i) { li.setAttribute("aria-selected", String(i === active)); });
    var current = document.getElementById("result-" + active);
    input.setAttribute("aria-activedescendant", current.id);
    current.scrollIntoView({ block: "nearest" });
  }
  function choose(i) {
    var hit = hits[i];
    if (!hit) return;
    closeResults();
    if (hit.collection) { input.value = hit.collection.label; chosen = input.value; showCollection(hit.collection.index); return; }
    input.value = hit.concept.label;
    chosen = input.value;
    select(hit.concept.id, { animate: true });
  }
  input.addEventListener("input", function () { chosen = null; showResults(); });
  input.addEventListener("focus", function () { if (input.value.trim()) showResults(); });
  input.addEventListener("blur", function () { setTimeout(closeResults, 100); });
  input.addEventListener("keydown", function (event) {
    /* "/" after choosing a result starts a new search instead of typing into the old text. */
    if (event.key === "/" && chosen !== null && input.value === chosen) { event.preventDefault(); input.select(); chosen = null; }
    else if (event.key === "ArrowDown") { event.preventDefault(); if (results.hidden) showResults(); else move(1); }
    else if (event.key === "ArrowUp") { event.preventDefault(); move(-1); }
    else if (event.key === "Enter") { event.preventDefault(); if (results.hidden) showResults(); choose(active < 0 ? 0 : active); }
    else if (event.key === "Escape") { if (!results.hidden) closeResults(); else { input.value = ""; clearSelection(); } }
  });
  document.addEventListener("keydown", function (event) {
    var typing = event.target instanceof HTMLInputElement || event.target instanceof HTMLTextAreaElement;
    if (event.key === "/" && !typing) { event.preventDefault(); input.focus(); input.select(); }
    else if (event.key === "Escape" && !typing && selected) clearSelection();
  });

  // ---------------------------------------------------------------- keyboard
  /* With the graph focused, the arrow keys move the selection to the linked concept that lies
     most nearly in that direction on screen. */
  var DIRECTIONS = { ArrowRight: [1, 0], ArrowLeft: [-1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
  function neighbourToward(c, dir) {
    var pos = network.getPositions();
    var here = pos[c.id], best = null, bestScore = Infinity;
    Object.keys(neighbourhood(c)).forEach(function (id) {
      if (id === c.id || !visibleConcept(byId[id])) return;
      var dx = pos[id].x - here.x, dy = pos[id].y - here.y, len = Math.hypot(dx, dy) || 1e-9;
      var cos = (dx * dir[0] + dy * dir[1]) / len;
      if (cos < 0.3) return;
      var score = len * (2.2 - 2 * cos);
      if (score < bestScore) { bestScore = score; best = id; }
    });
    return best;
  }
  container.setAttribute("tabindex", "0");
  container.addEventListener("keydown", function (event) {
    var dir = DIRECTIONS[event.key];
    if (!dir) return;
    event.preventDefault();
    if (!selected) { select(roots[0].id, { animate: true }); return; }
    var next = neighbourToward(selected, dir);
    if (next) select(next, { animate: true });
    else announce(selected.label + ": no linked concept that way");
  });
  document.querySelector(".skip").addEventListener("click", function (event) {
    event.preventDefault();
    openCard();
    card.focus();
  });

  // ---------------------------------------------------------------- printing
  /* Printed, the page is the card of the selected concept, then a glossary: every concept in
     alphabetical order with its definition. The glossary is built when printing starts. */
  function buildGlossary() {
    var box = document.getElementById("glossary");
    if (box.childElementCount) return;
    var list = el("dl", null);
    concepts.slice().sort(function (a, b) { return a.label.localeCompare(b.label, "en"); }).forEach(function (c) {
      list.appendChild(el("dt", { text: c.label + (c.alt.length ? " (" + c.alt.join(", ") + ")" : "") }));
      list.appendChild(el("dd", { text: c.definition || "No definition yet." }));
    });
    box.appendChild(el("h2", { text: "Glossary: " + plural(concepts.length, "concept", "concepts") }));
    box.appendChild(list);
  }
  window.addEventListener("beforeprint", buildGlossary);
  if (window.matchMedia) {
    var printing = window.matchMedia("print");
    var onPrint = function () { if (printing.matches) buildGlossary(); };
    if (printing.addEventListener) printing.addEventListener("change", onPrint); else printing.addListener(onPrint);
  }

  // ---------------------------------------------------------------- export
  /* The current view as a picture: PNG from the canvas as drawn, SVG rebuilt from the nodes,
     links and labels now in view. Both are data: addresses, so nothing leaves the page. */
  function download(name, href) {
    var a = el("a", { href: href, download: name });
    document.body.appendChild(a); a.click(); a.remove();
  }
  function exportPng() {
    var canvas = container.querySelector("canvas");
    var out = document.createElement("canvas");
    out.width = canvas.width; out.height = canvas.height;
    var ctx = out.getContext("2d");
    ctx.fillStyle = CANVAS; ctx.fillRect(0, 0, out.width, out.height);
    ctx.drawImage(canvas, 0, 0);
    download("cxgraph-view.png", out.toDataURL("image/png"));
  }
  function xml(text) { return String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;"); }
  function svgText() {
    var w = container.clientWidth, h = container.clientHeight;
    var view = network.body.view, scale = view.scale;
    function at(id) { var n = network.body.nodes[id]; return [n.x * scale + view.translation.x, n.y * scale + view.translation.y]; }
    function inView(p, m) { return p[0] > -m && p[1] > -m && p[0] < w + m && p[1] < h + m; }
    var parts = ['<svg xmlns="http://www.w3.org/2000/svg" width="' + w + '" height="' + h + '" viewBox="0 0 ' + w + " " + h + '" font-family="system-ui, sans-serif">',
      "<title>" + xml(data.title + (selected ? ": " + selected.label : "")) + "</title>",
      '<rect width="100%" height="100%" fill="' + CANVAS + '"/>', '<g class="links" fill="none">'];
    data.edges.forEach(function (e, i) {
      if (edgeHidden[i] || concepts[e[0]].shownHidden || concepts[e[1]].shownHidden) return;
      var a = at(concepts[e[0]].id), b = at(concepts[e[1]].id);
      if (!inView(a, 0) && !inView(b, 0)) return;
      var color = edgeColor(i, edgeShade[i]), rel = relations[e[2]];
      parts.push('<line x1="' + a[0].toFixed(1) + '" y1="' + a[1].toFixed(1) + '" x2="' + b[0].toFixed(1) + '" y2="' + b[1].toFixed(1) +
        '" stroke="' + color.color + '" stroke-opacity="' + color.opacity + '" stroke-width="' + (rel.width * Math.min(1, Math.max(scale, 0.4))).toFixed(2) + '"' +
        (rel.dashes && !large ? ' stroke-dasharray="' + rel.dashes.join(" ") + '"' : "") + "><title>" + xml(pairText(e)) + "</title></line>");
    });
    parts.push('</g><g class="nodes">');
    concepts.forEach(function (c) {
      if (c.shownHidden) return;
      var p = at(c.id);
      if (!inView(p, 20)) return;
      var style = nodeStyle(c, c.shownDim).color;
      var r = ((network.body.nodes[c.id].options.size || 10) * scale).toFixed(1);
      parts.push('<circle data-id="' + xml(c.id) + '" cx="' + p[0].toFixed(1) + '" cy="' + p[1].toFixed(1) + '" r="' + r + '" fill="' + style.background +
        '" stroke="' + style.border + '" stroke-width="' + (c.top ? 2 : 1) + '"><title>' + xml(c.label) + "</title></circle>");
    });
    parts.push('</g><g class="labels" paint-order="stroke" stroke="' + CANVAS + '" stroke-width="3.5" stroke-linejoin="round">');
    drawnOrder.forEach(function (b) {
      parts.push('<text x="' + b.x.toFixed(1) + '" y="' + (b.y + b.size * 0.1).toFixed(1) + '" dominant-baseline="hanging" font-size="' + b.size.toFixed(1) + '"' +
        (b.bold ? ' font-weight="bold"' : "") + ' fill="' + (b.dim ? DIM_TEXT : INK) + '">' + xml(byId[b.id].label) + "</text>");
    });
    parts.push("</g></svg>");
    return parts.join("\n");
  }
  document.getElementById("export-png").addEventListener("click", exportPng);
  document.getElementById("export-svg").addEventListener("click", function () {
    download("cxgraph-view.svg", "data:image/svg+xml;charset=utf-8," + encodeURIComponent(svgText()));
  });

  // ---------------------------------------------------------------- start
  /* For scripts and tests: the network, the selection and search. */
  window.cxgraph = {
    network: network,
    search: function (q) { return search(q).map(function (h) { return h.concept.id; }); },
    language: function () { return LANG; },
    searchEveryLanguage: function (on) { everyLanguage = !!on; if (allLanguages) allLanguages.checked = everyLanguage; buildIndex(); },
    resolve: function (q) { var c = resolve(q); return c ? c.id : null; },
    selected: function () { return selected ? selected.id : null; },
    select: function (id) { return select(id, { animate: false }); },
    layout: function () { return layout; },
    setLayout: function (name) { setLayout(name); },
    conceptIds: function () { return concepts.map(function (c) { return c.id; }); },
    labels: function () { return placed.map(function (b) { return { id: b.id, x: b.x, y: b.y, w: b.w, h: b.h, dim: b.dim, lit: b.lit }; }); },
    showTab: function (name) { showTab(name); },
    svg: function () { return svgText(); },
    lastMove: function () { return lastMove; },
    drawnLabelOrder: function () { return drawnOrder.map(function (b) { return { id: b.id, dim: b.dim }; }); },
    neighbours: function (id) { return Object.keys(neighbourhood(byId[id])).filter(function (n) { return n !== id; }); },
    readyAt: null
  };
  updateCounts();
  network.once("afterDrawing", function () {
    window.cxgraph.readyAt = performance.now();
    document.body.setAttribute("data-ready", "true");
  });
  if (!fromAddress(false) && data.focus) select(data.focus, { animate: false });
  if (!selected) fitVisible(false);
  network.redraw();
})();
