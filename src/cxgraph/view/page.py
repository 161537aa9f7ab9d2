"""Rendering the view: model + layouts + styling → one self-contained HTML page.

The page template, its stylesheet and its script are package files beside this module; the
vocabulary goes into the page as one JSON block. Nothing in the output depends on the clock or
on chance, so the same vocabulary always renders to the same bytes.
"""

from __future__ import annotations

import html
import json
import re
from importlib.resources import files
from typing import Any

import pyoxigraph as ox

from ..languages import language_name
from ..lookup import ConceptName, resolve_name
from .layout import compute_layouts
from .model import BROADER_KEY, RELATED_KEY, Concept, Translation, ViewModel, build_model
from .vendor import vis_network_js

__all__ = ["GROUP_COLORS", "GROUP_COLORS_DARK", "find_concept", "page_data", "render_model", "render_view"]

#: Colours of the top-concept groups: the hues of Paul Tol's colour-blind-safe "muted" scheme,
#: darkened where needed so that each stands out 3:1 or more against the light canvas (#f7f8fa);
#: beyond eleven groups the node shape changes too.
GROUP_COLORS = (
    "#332288", "#1F78A4", "#2A8474", "#117733", "#76762A", "#A0751A",
    "#C04E62", "#882255", "#AA4499", "#3A6BB0", "#BF5230",
)
#: The same hues for the dark canvas (#161b22), each 3:1 or more against it.
GROUP_COLORS_DARK = (
    "#9C8FE8", "#88CCEE", "#44AA99", "#4FB870", "#C4C45A", "#DDCC77",
    "#E6889A", "#D2679E", "#D580C9", "#7FA8DD", "#EE8866",
)
_SHAPES = ("dot", "diamond", "square", "triangle", "star")
_UNGROUPED = "#8A8F99"

#: Colours of the cx: relations: the Okabe and Ito palette (without its yellow), with a dash pattern
#: of its own per relation so that colour is never the only cue.
_RELATION_COLORS = ("#D55E00", "#0072B2", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
_RELATION_DASHES: tuple[list[int] | None, ...] = (None, [8, 5], [2, 4], [10, 4, 2, 4])


def _asset(name: str) -> str:
    return files(__package__).joinpath(name).read_text(encoding="utf-8")


def find_concept(model: ViewModel, ident: str) -> str:
    """The slug of the concept ``ident`` names: a slug, an IRI, ``cxg:slug``, a label or an acronym.

    An unknown name raises :class:`UsageError` with the closest concepts as suggestions.
    """
    names = [
        ConceptName(c.id, c.iri, c.pref_label, (*c.alt_labels, *c.hidden_labels, *_translated_labels(c)))
        for c in model.concepts
    ]
    return resolve_name(names, ident).slug


def _translated_labels(c: Concept) -> list[str]:
    return [x for tr in c.translations.values() for x in (tr.label, *tr.alt_labels, *tr.hidden_labels) if x]


def _text(translations: dict[str, Translation], full: bool = True) -> dict[str, list[Any]]:
    """Translations as the page reads them: ``{tag: [label, definition, alt, hidden, notes]}``."""
    out: dict[str, list[Any]] = {}
    for tag, tr in translations.items():
        out[tag] = [tr.label, tr.definition]
        if full:
            out[tag] += [list(tr.alt_labels), list(tr.hidden_labels), [list(n) for n in tr.notes]]
    return out


def page_data(model: ViewModel, focus: str | None = None) -> dict[str, Any]:
    """The JSON the page script reads: concepts with their card fields and both layouts."""
    layouts = compute_layouts(model.concepts, model.edges)
    index = {c.id: i for i, c in enumerate(model.concepts)}
    group_index = {g.key: i for i, g in enumerate(model.groups)}
    groups = []
    for i, g in enumerate(model.groups):
        top = g.key != ""
        groups.append(
            {
                "label": g.label,
                "count": g.count,
                "top": top,
                "concept": index.get(g.key, -1) if top else -1,
                "color": GROUP_COLORS[i % len(GROUP_COLORS)] if top else _UNGROUPED,
                "dark": GROUP_COLORS_DARK[i % len(GROUP_COLORS_DARK)] if top else _UNGROUPED,
                "shape": _SHAPES[(i // len(GROUP_COLORS)) % len(_SHAPES)] if top else "dot",
            }
        )
    relations = []
    styled = 0
    for r in model.relations:
        if r.key == BROADER_KEY:
            color, dashes, width = "#7D8797", None, 1.2
        elif r.key == RELATED_KEY:
            color, dashes, width = "#98A1B0", [2, 4], 1.2
        else:
            color = _RELATION_COLORS[styled % len(_RELATION_COLORS)]
            dashes = _RELATION_DASHES[styled % len(_RELATION_DASHES)]
            width, styled = 1.8, styled + 1
        relations.append(
            {"key": r.key, "label": r.label, "directed": r.directed, "count": r.count,
             "color": color, "dashes": dashes, "width": width}
        )
    relation_index = {r.key: i for i, r in enumerate(model.relations)}
    concepts = []
    for c in model.concepts:
        concepts.append(
            {
                "id": c.id,
                "label": c.pref_label,
                "group": group_index[c.group],
                "top": c.top,
                "hierarchy": list(layouts.hierarchy[c.id]),
                "network": list(layouts.network[c.id]),
                "definition": c.definition,
                "notation": c.notation,
                "alt": c.alt_labels,
                "hidden": c.hidden_labels,
                "broader": [index[b] for b in c.broader],
                "narrower": [index[n] for n in c.narrower],
                "related": [[label, [index[o] for o in others]] for label, others in c.related],
                "notes": [list(n) for n in c.notes],
                "facts": [list(f) for f in c.facts],
                "sources": [list(s) for s in c.sources],
                "iri": c.iri,
                "tr": _text(c.translations),
            }
        )
    edges = [[index[e.source], index[e.target], relation_index[e.kind]] for e in model.edges]
    return {
        "title": model.title,
        "version": model.version,
        "focus": focus,
        "groups": groups,
        "relations": relations,
        "concepts": concepts,
        "edges": edges,
        "collections": [
            {"id": k.id, "label": k.label, "definition": k.definition, "ordered": k.ordered,
             "members": [index[m] for m in k.members], "tr": _text(k.translations, full=False)}
            for k in model.collections
        ],
        "languages": [
            {"tag": tag, "name": language_name(tag), "partial": model.languages.is_partial(tag)}
            for tag in model.languages.declared
        ],
        "fallback": model.languages.fallback,
        "titles": model.titles,
    }


def _json_for_script(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return text.replace("<", "\\u003c").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def render_model(model: ViewModel, focus: str | None = None) -> bytes:
    """The page for an already built model."""
    slug = find_concept(model, focus) if focus else None
    parts = {
        "TITLE": html.escape(model.title),
        "VERSION": f' <span class="version">{html.escape(model.version)}</span>' if model.version else "",
        "STYLE": _asset("view.css"),
        "DATA": _json_for_script(page_data(model, slug)),
        "VIS_JS": vis_network_js(),
        "APP_JS": _asset("view.js").replace("</script", "<\\/script"),
    }
    page = re.sub(r"\{\{([A-Z_]+)\}\}", lambda m: parts[m.group(1)], _asset("template.html"))
    return page.encode("utf-8")


def render_view(store: ox.Store, focus: str | None = None) -> bytes:
    """The HTML graph view of the vocabulary in ``store`` (asserted + entailed triples).

    ``focus`` names a concept (slug, IRI, ``cxg:slug`` or label) the page opens on when its URL
    has no ``#fragment``. Raises :class:`UsageError` if no concept matches it.
    """
    return render_model(build_model(store), focus)
