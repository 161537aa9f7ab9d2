"""``cxgraph glossary``: a printable glossary in HTML, Markdown or PDF (PDF through headless Chromium).

Sections: a title page (title, version, licence, date), the alphabetical entries (term, acronyms
and synonyms, definition, facts, "see also" from related concepts) with a "see" entry for every
alternative label, a hierarchical listing, and a permuted (KWIC) index of every word of every
preferred and alternative label.
"""

from __future__ import annotations

import re
from html import escape
from pathlib import Path

import pyoxigraph as ox

from ..languages import primary_subtag
from .model import Entry, SiteModel, build_site_model

__all__ = ["render_glossary", "write_pdf"]

_STOP = {"a", "an", "and", "of", "the", "to", "in", "on", "for", "or", "by", "per", "with"}


def _lang_label(e: Entry, lang: str) -> str:
    for lab in e.labels:
        if lab.kind == "preferred" and lab.lang.lower() == lang.lower():
            return lab.value
    return e.label


def _lang_definition(e: Entry, lang: str) -> str:
    """The definition in ``lang``, else the entry's own (English) one."""
    return e.definitions.get(lang.lower()) or e.definition


def _in_lang(tag: str, lang: str) -> bool:
    """An untagged label, or one in ``lang`` or a regional variant of it."""
    return not tag or primary_subtag(tag) == primary_subtag(lang)


def _labels_in(e: Entry, kind: str, lang: str) -> list[str]:
    """The entry's labels of one kind in ``lang`` (its regional variants included), each once."""
    return list(dict.fromkeys(lab.value for lab in e.labels if lab.kind == kind and _in_lang(lab.lang, lang)))


def _items(m: SiteModel, lang: str) -> list[tuple[str, str, Entry]]:
    """(sort text, kind, entry): one "term" per concept and one "see" per alternative label."""
    items: list[tuple[str, str, Entry]] = []
    for e in m.live():
        pref = _lang_label(e, lang)
        items.append((pref, "term", e))
        for lab in e.labels:
            in_lang = _in_lang(lab.lang, lang)
            if lab.kind in ("acronym", "alternative") and lab.value != pref and in_lang:
                items.append((lab.value, "see", e))
    items.sort(key=lambda t: (t[0].casefold(), t[0], t[1]))
    return items


def _kwic(m: SiteModel, lang: str) -> list[tuple[str, str, str, Entry]]:
    """(keyword, before, after, entry) for every significant word of every label."""
    rows: list[tuple[str, str, str, Entry]] = []
    for e in m.live():
        labels = {_lang_label(e, lang)} | {
            lab.value for lab in e.labels if lab.kind in ("acronym", "alternative") and _in_lang(lab.lang, lang)
        }
        for label in labels:
            words = label.split()
            for i, word in enumerate(words):
                key = re.sub(r"^\W+|\W+$", "", word)
                if not key or key.casefold() in _STOP:
                    continue
                rows.append((word, " ".join(words[:i]), " ".join(words[i + 1 :]), e))
    rows.sort(key=lambda r: (r[0].casefold(), r[2].casefold(), r[1].casefold()))
    return rows


def _anchor(e: Entry) -> str:
    return "t-" + e.slug


def render_glossary(store: ox.Store, fmt: str, lang: str = "en") -> str:
    """The glossary as HTML (``html``, also the source of the PDF) or Markdown (``md``)."""
    m = build_site_model(store)
    s = m.scheme
    licence = s.licence or s.rights
    if fmt == "md":
        return _markdown(m, lang, licence)
    out: list[str] = [
        f"""<!DOCTYPE html>
<html lang="{escape(lang)}"><head><meta charset="utf-8"><title>{escape(s.title)}: glossary</title>
<style>
body {{ font: 10.5pt/1.4 "DejaVu Serif", Georgia, serif; margin: 0 auto; max-width: 46rem; color: #111; }}
h1, h2, h3 {{ font-family: "DejaVu Sans", sans-serif; }}
.title {{ height: 90vh; display: flex; flex-direction: column; justify-content: center; page-break-after: always; }}
.title h1 {{ font-size: 26pt; margin: 0 0 1rem; }}
section {{ page-break-before: always; }}
dl.entries dt {{ font-weight: 700; margin-top: .7rem; break-after: avoid; }}
dl.entries dd {{ margin: .1rem 0 0 1.2rem; }}
.see {{ font-style: italic; }}
.facts, .also, .syn {{ font-size: 9.5pt; }}
ul.tree, ul.tree ul {{ list-style: none; padding-left: 1.1rem; margin: 0; }}
table.kwic {{ border-collapse: collapse; font-size: 9pt; width: 100%; }}
table.kwic td {{ padding: 0 .3rem; vertical-align: top; }}
table.kwic td.before {{ text-align: right; color: #444; width: 40%; }}
table.kwic td.key {{ font-weight: 700; }}
@page {{ size: A4; margin: 18mm 16mm; }}
</style></head><body>
<div class="title"><h1>{escape(s.title)}</h1><p>Glossary</p>
<p>Version {escape(s.version)}{" · " + escape(s.modified) if s.modified else ""}</p>
<p>Licence: {escape(licence)}</p><p>{escape(s.rights)}</p>
<p>{len(m.live())} terms · {escape(", ".join(s.creators))}</p></div>
<section><h2>Alphabetical glossary</h2><dl class="entries">"""
    ]
    for text, kind, e in _items(m, lang):
        if kind == "see":
            target = _lang_label(e, lang)
            link = f'<a href="#{_anchor(e)}">{escape(target)}</a>'
            out.append(f'<dt class="see">{escape(text)}</dt><dd class="see">see {link}</dd>')
            continue
        acronyms = _labels_in(e, "acronym", lang)
        synonyms = _labels_in(e, "alternative", lang)
        head = escape(text) + (f" ({escape(', '.join(acronyms))})" if acronyms else "")
        definition = _lang_definition(e, lang)
        body = [f"<p>{escape(definition)}</p>" if definition else ""]
        if synonyms:
            body.append(f'<p class="syn">Synonyms: {escape("; ".join(synonyms))}</p>')
        if e.facts:
            body.append('<p class="facts">' + "; ".join(f"{escape(k)}: {escape(v)}" for k, v in e.facts) + "</p>")
        also = sorted({t for _, ts in e.related for t in ts}, key=lambda i: _lang_label(m.entries[i], lang).casefold())
        if also:
            links = ", ".join(
                f'<a href="#{_anchor(m.entries[i])}">{escape(_lang_label(m.entries[i], lang))}</a>' for i in also
            )
            out_also = f'<p class="also">See also: {links}</p>'
            body.append(out_also)
        out.append(f'<dt id="{_anchor(e)}">{head}</dt><dd>{"".join(body)}</dd>')
    out.append('</dl></section><section><h2>Hierarchical listing</h2><ul class="tree">')

    def tree(iri: str, path: frozenset[str]) -> str:
        kids = [k for k in m.entries[iri].narrower if k not in path]
        inner = "".join(tree(k, path | {k}) for k in m.sorted_iris(kids))
        return f"<li>{escape(_lang_label(m.entries[iri], lang))}" + (f"<ul>{inner}</ul>" if inner else "") + "</li>"

    out.extend(tree(t, frozenset({t})) for t in m.tops)
    out.append('</ul></section><section><h2>Permuted index</h2><table class="kwic">')
    for word, before, after, e in _kwic(m, lang):
        out.append(
            f'<tr><td class="before">{escape(before)}</td><td class="key">{escape(word)}</td>'
            f'<td>{escape(after)} <a href="#{_anchor(e)}">→ {escape(_lang_label(e, lang))}</a></td></tr>'
        )
    out.append("</table></section></body></html>\n")
    return "\n".join(out)


def _markdown(m: SiteModel, lang: str, licence: str) -> str:
    s = m.scheme
    out = [f"# {s.title}: glossary", "", f"Version {s.version}. Licence: {licence}. {s.rights}", ""]
    out += ["## Alphabetical glossary", ""]
    for text, kind, e in _items(m, lang):
        if kind == "see":
            out += [f"**{text}** *see* {_lang_label(e, lang)}", ""]
            continue
        acronyms = _labels_in(e, "acronym", lang)
        out.append(f"**{text}**" + (f" ({', '.join(acronyms)})" if acronyms else ""))
        definition = _lang_definition(e, lang)
        out.append(f": {definition}" if definition else ": (no definition)")
        synonyms = _labels_in(e, "alternative", lang)
        if synonyms:
            out.append(f"  Synonyms: {'; '.join(synonyms)}.")
        if e.facts:
            out.append("  " + "; ".join(f"{k}: {v}" for k, v in e.facts) + ".")
        also = sorted({_lang_label(m.entries[t], lang) for _, ts in e.related for t in ts}, key=str.casefold)
        if also:
            out.append(f"  See also: {', '.join(also)}.")
        out.append("")
    out += ["## Hierarchical listing", ""]

    def tree(iri: str, depth: int, path: frozenset[str]) -> None:
        out.append(f"{'  ' * depth}- {_lang_label(m.entries[iri], lang)}")
        for k in m.sorted_iris([k for k in m.entries[iri].narrower if k not in path]):
            tree(k, depth + 1, path | {k})

    for t in m.tops:
        tree(t, 0, frozenset({t}))
    out += ["", "## Permuted index", ""]
    for word, before, after, e in _kwic(m, lang):
        out.append(f"- {before} **{word}** {after} → {_lang_label(e, lang)}".replace("  ", " "))
    return "\n".join(out) + "\n"


def write_pdf(html: str, out_file: Path, chromium: str = "/usr/bin/chromium") -> None:
    """Print the HTML glossary to PDF with headless Chromium (through Playwright)."""
    from playwright.sync_api import sync_playwright

    from ..atomic import write_bytes_atomic

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=["--headless", "--no-sandbox"])
        try:
            page = browser.new_page()
            page.set_content(html, wait_until="load")
            pdf = page.pdf(format="A4", print_background=True, outline=True)
        finally:
            browser.close()
    write_bytes_atomic(out_file, pdf)  # a failed print leaves an earlier PDF as it was
