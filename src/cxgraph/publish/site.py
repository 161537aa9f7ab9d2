"""``cxgraph site``: a static vocabulary site with one page per concept and dereferenceable IRIs.

Layout of the site folder (every link is relative, so it works from disk and from any path):

* ``index.html``: the scheme's home page; ``vocabulary.html`` the same page at the scheme IRI's name;
* ``SLUG.html`` for every concept and collection, beside ``SLUG.ttl``, ``SLUG.jsonld``,
  ``SLUG.rdf`` and ``SLUG.nt`` (what the concept's IRI returns in each RDF format);
* ``browse/a-z.html``, ``browse/hierarchy.html``, ``browse/collections.html``;
* ``assets/`` (style sheet, search script and its index), ``downloads/`` (the full exports);
* ``.htaccess`` and ``nginx-cxgraph.conf``: the content negotiation rules; ``w3id.htaccess``:
  the redirect to register at w3id.org.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from html import escape
from importlib.resources import files
from pathlib import Path
from urllib.parse import urlsplit

import pyoxigraph as ox

from ..atomic import StagedFiles
from ..export import render_exports, take_snapshot
from ..languages import LANGUAGE_NAMES, canonical_tag, language_name
from ..namespaces import CXG, PREFIXES
from ..view.page import render_model
from .model import Entry, SiteModel, build_site_model, slug_of

__all__ = ["RDF_FORMATS", "build_site"]

#: The RDF files beside every page: extension → (media type, format, name shown).
RDF_FORMATS: dict[str, tuple[str, ox.RdfFormat, str]] = {
    "ttl": ("text/turtle", ox.RdfFormat.TURTLE, "Turtle"),
    "jsonld": ("application/ld+json", ox.RdfFormat.JSON_LD, "JSON-LD"),
    "rdf": ("application/rdf+xml", ox.RdfFormat.RDF_XML, "RDF/XML"),
    "nt": ("application/n-triples", ox.RdfFormat.N_TRIPLES, "N-Triples"),
}

_DOWNLOAD_TYPES = {
    "cxgraph.ttl": "text/turtle",
    "cxgraph.jsonld": "application/ld+json",
    "context.jsonld": "application/ld+json",
    "cxgraph.nt": "application/n-triples",
    "cxgraph.rdf": "application/rdf+xml",
    "cxgraph.csv": "text/csv",
    "void.ttl": "text/turtle",
    "cxgraph.html": "text/html",
}
_DOWNLOAD_ABOUT = {
    "cxgraph.ttl": "the vocabulary with its SKOS entailments, Turtle",
    "cxgraph.jsonld": "the same, compact JSON-LD with its context embedded",
    "context.jsonld": "the JSON-LD context on its own",
    "cxgraph.nt": "the same, sorted N-Triples",
    "cxgraph.rdf": "the same, RDF/XML",
    "cxgraph.csv": "one row per concept",
    "void.ttl": "VoID and DCAT description of the dataset",
    "cxgraph.html": "the interactive graph view (works offline)",
}
_LANG_NAMES = {"": "no language", "en-gb": "British English", "en-us": "American English"}


def _language(tag: str) -> str:
    """A label's language as the site names it: "British English", "Español (es-419)" …"""
    known = _LANG_NAMES.get(tag.lower())
    if known:
        return known
    # A language the vocabulary names by itself ("Español"); a regional variant with its tag.
    return LANGUAGE_NAMES.get(tag.lower()) or f"{language_name(tag)} ({canonical_tag(tag)})"


def _asset(name: str) -> str:
    return files("cxgraph.publish").joinpath(name).read_text(encoding="utf-8")


def _size(n: int) -> str:
    if n < 1024:
        return f"{n} B"
    if n < 1024 * 1024:
        return f"{n / 1024:.1f} KB"
    return f"{n / 1024 / 1024:.1f} MB"


class _Writer:
    """Stages the site's files beside the target folder and remembers their sizes.

    Nothing appears in the target until :meth:`commit`, which swaps the whole new site in; a
    failed build leaves the previous site as it was, and pages of concepts that no longer
    exist do not linger.
    """

    def __init__(self, root: Path) -> None:
        self.staged = StagedFiles(root, keep_others=False)
        self.sizes: dict[str, int] = {}
        self.kept: dict[str, bytes] = {}

    def write(self, rel: str, data: bytes | str, keep: bool = False) -> None:
        body = data.encode("utf-8") if isinstance(data, str) else data
        self.staged.add(rel, body)
        self.sizes[rel] = len(body)
        if keep:
            self.kept[rel] = body


class _Site:
    def __init__(self, model: SiteModel, base_url: str) -> None:
        self.m = model
        self.base = base_url if base_url.endswith("/") else base_url + "/"

    # --- small pieces -----------------------------------------------------------------------

    def link(self, iri: str, up: str) -> str:
        m = self.m
        if iri in m.entries or iri in m.collections:
            cls = ' class="deprecated"' if iri in m.entries and m.entries[iri].deprecated else ""
            return f'<a href="{up}{slug_of(iri)}.html"{cls}>{escape(m.label(iri))}</a>'
        return f'<a href="{escape(iri)}">{escape(iri)}</a>'

    def links(self, iris: Iterable[str], up: str) -> str:
        return "".join(f"<li>{self.link(i, up)}</li>" for i in iris)

    def page(self, title: str, body: str, up: str, head: str = "", canonical: str = "", page_class: str = "") -> str:
        scheme = self.m.scheme
        canon = f'<link rel="canonical" href="{escape(canonical)}">' if canonical else ""
        return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}</title>
<link rel="stylesheet" href="{up}assets/site.css">
{canon}{head}
</head>
<body class="{page_class}">
<header class="site">
<a class="home" href="{up}index.html">{escape(scheme.title)}</a>
<nav><a href="{up}browse/a-z.html">A&ndash;Z</a> <a href="{up}browse/hierarchy.html">Hierarchy</a>
<a href="{up}browse/collections.html">Collections</a> <a href="{up}downloads/cxgraph.html">Graph view</a></nav>
<div class="search" data-root="{up}"><input id="site-search" type="search" placeholder="Search labels, acronyms…"
 aria-label="Search the vocabulary" autocomplete="off"><ol id="search-results" hidden></ol></div>
</header>
<main>
{body}
</main>
<footer>{escape(scheme.title)} {escape(scheme.version)} · {self.licence_html()}</footer>
<script src="{up}assets/search-index.js"></script>
<script src="{up}assets/site.js"></script>
</body>
</html>
"""

    def licence_html(self) -> str:
        lic = self.m.scheme.licence
        if not lic:
            return escape(self.m.scheme.rights)
        name = "CC BY 4.0" if "creativecommons.org/licenses/by/4.0" in lic else lic
        return f'licence <a href="{escape(lic)}" rel="license">{escape(name)}</a>'

    def alternates(self, slug: str, up: str) -> tuple[str, str]:
        """The ``<link rel=alternate>`` tags and the visible list of a page's RDF files."""
        head = "".join(
            f'<link rel="alternate" type="{mt}" href="{up}{slug}.{ext}">\n' for ext, (mt, _, _) in RDF_FORMATS.items()
        )
        shown = " · ".join(
            f'<a href="{up}{slug}.{ext}" type="{mt}">{name}</a>' for ext, (mt, _, name) in RDF_FORMATS.items()
        )
        return head, shown

    def iri_block(self, iri: str) -> str:
        return (
            f'<p class="iri">IRI <code id="iri">{escape(iri)}</code> '
            f'<button type="button" class="copy" data-copy="{escape(iri)}">Copy</button></p>'
        )

    # --- concept pages ----------------------------------------------------------------------

    def concept_page(self, e: Entry) -> str:
        m, up = self.m, ""
        parts: list[str] = []
        if e.deprecated:
            repl = ", ".join(self.link(r, up) for r in e.replaced_by)
            parts.append(
                '<p class="banner" role="alert">This concept is deprecated'
                + (f"; use {repl} instead." if repl else ".")
                + "</p>"
            )
        chains = m.broader_chains(e.iri)
        if chains:
            crumbs = "".join(
                '<li><a href="index.html">Home</a> &rsaquo; '
                + " &rsaquo; ".join(self.link(i, up) for i in chain)
                + f" &rsaquo; <span>{escape(e.label)}</span></li>"
                for chain in chains
            )
            parts.append(f'<nav class="breadcrumbs" aria-label="Broader concepts"><ol>{crumbs}</ol></nav>')
        acronyms = e.labels_of("acronym")
        abbr = f' <span class="acronyms">({escape(", ".join(acronyms))})</span>' if acronyms else ""
        parts.append(f'<h1 id="label">{escape(e.label)}{abbr}</h1>')
        if e.definition:
            parts.append(f'<p class="definition" id="definition">{escape(e.definition)}</p>')
        parts.append(self.iri_block(e.iri))
        head, shown = self.alternates(e.slug, up)
        graph = "" if e.deprecated else f' · <a href="downloads/cxgraph.html#{e.slug}">Open in the graph view</a>'
        parts.append(f'<p class="formats">This concept as {shown}{graph}</p>')

        rels: list[str] = []
        if e.broader:
            rels.append(f'<h3>Broader</h3><ul class="broader">{self.links(e.broader, up)}</ul>')
        if e.narrower:
            rels.append(f'<h3>Narrower</h3><ul class="narrower">{self.links(e.narrower, up)}</ul>')
        for label, targets in e.related:
            rels.append(
                f'<h3>{escape(label[:1].upper() + label[1:])}</h3><ul class="related">{self.links(targets, up)}</ul>'
            )
        if e.replaced_by:
            rels.append(f"<h3>Replaced by</h3><ul>{self.links(e.replaced_by, up)}</ul>")
        if rels:
            parts.append('<section class="relations"><h2>Related concepts</h2>' + "".join(rels) + "</section>")

        rows = "".join(
            f"<tr><td>{escape(lab.kind)}</td><td>{escape(_language(lab.lang))}</td>"
            f'<td lang="{escape(lab.lang)}">{escape(lab.value)}</td></tr>'
            for lab in e.labels
        )
        parts.append(
            '<section class="labels"><h2>Labels</h2><table><thead><tr><th>kind</th><th>language</th>'
            f"<th>label</th></tr></thead><tbody>{rows}</tbody></table></section>"
        )
        others = sorted((tag, text) for tag, text in e.definitions.items() if tag and tag != "en")
        if others:
            defs = "".join(
                f'<dt>{escape(_language(tag))}</dt><dd lang="{escape(canonical_tag(tag))}">{escape(text)}</dd>'
                for tag, text in others
            )
            heading = "<h2>Definitions in other languages</h2>"
            parts.append(f'<section class="definitions">{heading}<dl>{defs}</dl></section>')
        if e.notes:
            notes = "".join(f"<h3>{escape(h)}</h3><p>{escape(t)}</p>" for h, t in e.notes)
            parts.append(f'<section class="notes"><h2>Notes</h2>{notes}</section>')
        if e.facts:
            facts = "".join(f"<dt>{escape(k)}</dt><dd>{escape(v)}</dd>" for k, v in e.facts)
            parts.append(f'<section class="facts"><h2>Facts</h2><dl>{facts}</dl></section>')
        if e.collections:
            parts.append(f"<section><h2>Collections</h2><ul>{self.links(e.collections, up)}</ul></section>")
        if e.sources:
            srcs = "".join(
                f'<li><a href="{escape(link)}">{escape(title)}</a></li>' if link else f"<li>{escape(title)}</li>"
                for title, link in e.sources
            )
            parts.append(f'<section class="sources"><h2>Sources</h2><ul>{srcs}</ul></section>')
        dates = [f"created {e.created}" if e.created else "", f"modified {e.modified}" if e.modified else ""]
        if any(dates):
            parts.append(f'<p class="dates">{escape(", ".join(d for d in dates if d))}</p>')

        term: dict[str, object] = {
            "@context": "https://schema.org",
            "@type": "DefinedTerm",
            "@id": e.iri,
            "name": e.label,
            "url": self.base + e.slug,
            "inDefinedTermSet": {"@type": "DefinedTermSet", "@id": m.scheme.iri, "name": m.scheme.title},
        }
        if e.definition:
            term["description"] = e.definition
        alternates = [lab.value for lab in e.labels if lab.kind in ("acronym", "alternative")]
        if alternates:
            term["alternateName"] = alternates
        if acronyms:
            term["termCode"] = acronyms[0]
        script = json.dumps(term, ensure_ascii=False, indent=1).replace("</", "<\\/")
        head += f'<script type="application/ld+json">\n{script}\n</script>\n'
        if e.definition:
            head += f'<meta name="description" content="{escape(e.definition)}">\n'
        return self.page(
            f"{e.label} · {m.scheme.title}",
            "\n".join(parts),
            up,
            head,
            self.base + e.slug,
            "concept deprecated" if e.deprecated else "concept",
        )

    def collection_page(self, iri: str) -> str:
        c = self.m.collections[iri]
        head, shown = self.alternates(c.slug, "")
        tag = "ol" if c.ordered else "ul"
        body = [
            f'<h1 id="label">{escape(c.label)}</h1>',
            f'<p class="definition" id="definition">{escape(c.definition)}</p>' if c.definition else "",
            self.iri_block(c.iri),
            f'<p class="formats">This collection as {shown}</p>',
            f"<h2>{len(c.members)} members{' (in order)' if c.ordered else ''}</h2>",
            f'<{tag} class="members">{self.links(c.members, "")}</{tag}>',
        ]
        return self.page(
            f"{c.label} · {self.m.scheme.title}", "\n".join(body), "", head, self.base + c.slug, "collection"
        )

    # --- browse pages -----------------------------------------------------------------------

    def a_to_z(self) -> str:
        up = "../"
        items: list[tuple[str, str]] = []
        for e in self.m.entries.values():
            mark = " <small>(deprecated)</small>" if e.deprecated else ""
            items.append((e.label, f'<li class="term">{self.link(e.iri, up)}{mark}</li>'))
            for lab in e.labels:
                if lab.kind in ("acronym", "alternative") and lab.value != e.label:
                    items.append(
                        (lab.value, f'<li class="see">{escape(lab.value)} <em>see</em> {self.link(e.iri, up)}</li>')
                    )
        items.sort(key=lambda kv: (kv[0].casefold(), kv[0], kv[1]))
        groups: dict[str, list[str]] = {}
        for text, html in items:
            first = text[:1].upper()
            letter = first if first.isalpha() else "#"
            groups.setdefault(letter, []).append(html)
        letters = " ".join(f'<a href="#letter-{escape(k)}">{escape(k)}</a>' for k in groups)
        sections = "".join(
            f'<section><h2 id="letter-{escape(k)}">{escape(k)}</h2><ul class="az">{"".join(v)}</ul></section>'
            for k, v in groups.items()
        )
        return self.page(
            f"A&ndash;Z · {self.m.scheme.title}",
            f'<h1>A&ndash;Z index</h1><p class="letters">{letters}</p>{sections}',
            up,
            page_class="az",
        )

    def hierarchy(self) -> str:
        up = "../"
        m = self.m

        def tree(iri: str, path: frozenset[str]) -> str:
            kids = [k for k in m.entries[iri].narrower if k not in path]
            inner = "".join(tree(k, path | {k}) for k in m.sorted_iris(kids))
            return f"<li>{self.link(iri, up)}" + (f"<ul>{inner}</ul>" if inner else "") + "</li>"

        roots = m.tops or [e.iri for e in m.live() if not e.broader]
        body = "".join(tree(t, frozenset({t})) for t in roots)
        return self.page(
            f"Hierarchy · {m.scheme.title}",
            f'<h1>Hierarchy</h1><ul class="tree">{body}</ul>',
            up,
            page_class="hierarchy",
        )

    def collections_page(self) -> str:
        up = "../"
        items = "".join(
            f"<li>{self.link(c.iri, up)} <small>({len(c.members)} members)</small></li>"
            for c in sorted(self.m.collections.values(), key=lambda c: c.label.casefold())
        )
        return self.page(f"Collections · {self.m.scheme.title}", f"<h1>Collections</h1><ul>{items}</ul>", up)

    def home(self, downloads: dict[str, int]) -> str:
        m, s = self.m, self.m.scheme
        live = m.live()
        deprecated = [e for e in m.entries.values() if e.deprecated]
        label_count = sum(len(e.labels) for e in live)
        meta = [
            ("Version", escape(s.version)),
            ("Licence", self.licence_html()),
            ("Creators", escape(", ".join(s.creators))),
            ("Publishers", escape(", ".join(s.publishers))),
            ("Languages", escape(", ".join(_language(lang) for lang in s.languages))),
            ("Created", escape(s.created)),
            ("Modified", escape(s.modified)),
            ("Rights", escape(s.rights)),
        ]
        meta_html = "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in meta if v)
        counts = (
            f'<ul class="counts"><li><strong>{len(live)}</strong> concepts</li>'
            f"<li><strong>{len(m.tops)}</strong> top concepts</li>"
            f"<li><strong>{len(m.collections)}</strong> collections</li>"
            f"<li><strong>{label_count}</strong> labels</li>"
            f"<li><strong>{len(deprecated)}</strong> deprecated concepts</li></ul>"
        )
        rows = "".join(
            f'<tr><td><a href="downloads/{name}" type="{_DOWNLOAD_TYPES.get(name, "")}">{name}</a></td>'
            f"<td>{escape(_DOWNLOAD_ABOUT.get(name, ''))}</td><td><code>{_DOWNLOAD_TYPES.get(name, '')}</code></td>"
            f'<td class="size">{_size(size)}</td></tr>'
            for name, size in downloads.items()
        )
        new, modified, gone = m.changes()
        since = f" since {escape(s.previous_release)}" if s.previous_release else ""
        changes = (
            f'<section class="changes"><h2>What changed in {escape(s.version)}{since}</h2>'
            f"<details><summary>{len(new)} new concepts</summary><ul>{self.links(new, '')}</ul></details>"
            f"<details><summary>{len(modified)} modified concepts</summary>"
            f"<ul>{self.links(modified, '')}</ul></details>"
            f"<details {'open' if gone else ''}><summary>{len(gone)} deprecated concepts</summary>"
            f"<ul>{self.links(gone, '')}</ul></details>"
            + (f"<p>{escape(s.history)}</p>" if s.history else "")
            + "</section>"
        )
        head, shown = self.alternates("vocabulary", "")
        body = (
            f'<h1 id="label">{escape(s.title)}</h1>'
            f'<p class="definition" id="definition">{escape(s.description or s.definition)}</p>'
            + (f"<p>{escape(s.definition)}</p>" if s.description and s.definition else "")
            + self.iri_block(s.iri)
            + f'<p class="formats">The vocabulary as {shown}</p>'
            + f'<section><h2>About</h2><dl class="meta">{meta_html}</dl>{counts}</section>'
            + f'<section><h2>Top concepts</h2><ul class="tops">{self.links(m.tops, "")}</ul>'
            + '<p><a href="browse/a-z.html">A&ndash;Z index</a> · <a href="browse/hierarchy.html">Hierarchy</a> · '
            + '<a href="browse/collections.html">Collections</a></p></section>'
            + f"<section><h2>Collections</h2><ul>{self.links(m.sorted_iris(list(m.collections)), '')}</ul></section>"
            + '<section class="downloads"><h2>Downloads</h2><table><thead><tr><th>file</th><th>what</th>'
            + f"<th>media type</th><th>size</th></tr></thead><tbody>{rows}</tbody></table></section>"
            + changes
        )
        return self.page(s.title, body, "", head, self.base, "home")

    def search_index(self) -> str:
        rows = []
        for e in sorted(self.m.entries.values(), key=lambda e: (e.label.casefold(), e.iri)):
            others = [lab.value for lab in e.labels if lab.kind != "preferred"]
            rows.append([e.slug, e.label, others, e.definition[:160], 1 if e.deprecated else 0])
        data = json.dumps(rows, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")
        return f"window.cxgraphSearchIndex = {data};\n"


def _concept_rdf(store: ox.Store, iri: str) -> list[ox.Triple]:
    quads = sorted(store.quads_for_pattern(ox.NamedNode(iri), None, None, ox.DefaultGraph()), key=str)
    return [ox.Triple(q.subject, q.predicate, q.object) for q in quads]


def _serialize(triples: list[ox.Triple], fmt: ox.RdfFormat) -> bytes:
    prefixes = {k: v for k, v in PREFIXES.items()}
    body = ox.serialize(triples, format=fmt, prefixes=prefixes)
    assert isinstance(body, bytes)
    return body


def server_rules(base_url: str) -> dict[str, str]:
    """The content negotiation rules for the site published at ``base_url``: file name → text."""
    prefix = urlsplit(base_url).path or "/"
    if not prefix.endswith("/"):
        prefix += "/"
    types = "\n".join(f"        {mt} {ext};" for ext, (mt, _, _) in RDF_FORMATS.items())
    nginx = f"""# cxgraph site: content negotiation for nginx. Include this file inside the server block
# whose root holds the site at {prefix} (for the prefix /, the root is the site folder), e.g.
#     server {{ root /srv/www; include /srv/www{prefix}nginx-cxgraph.conf; }}
# The site is published under {prefix} (from --base-url). A concept IRI {prefix}SLUG answers
# SLUG.html to browsers and SLUG.ttl / .jsonld / .rdf / .nt to clients asking for text/turtle,
# application/ld+json, application/rdf+xml or application/n-triples; text/html anywhere in Accept
# wins, then Turtle, JSON-LD, RDF/XML, N-Triples; no Accept (or */*) gets HTML.
# The Accept header is read at server level (rewrite-module 'if' with 'set' only), so the
# locations below stay plain try_files.
set $cxgraph_ext html;
if ($http_accept ~* "application/n-triples") {{ set $cxgraph_ext nt; }}
if ($http_accept ~* "application/rdf\\+xml") {{ set $cxgraph_ext rdf; }}
if ($http_accept ~* "application/ld\\+json") {{ set $cxgraph_ext jsonld; }}
if ($http_accept ~* "text/turtle") {{ set $cxgraph_ext ttl; }}
if ($http_accept ~* "text/html") {{ set $cxgraph_ext html; }}
location = {prefix} {{
    types {{
        text/html html;
{types}
    }}
    add_header Vary Accept always;
    try_files {prefix}vocabulary.$cxgraph_ext =404;
}}
location ~ "^{prefix}(?<cxgraph_slug>[A-Za-z0-9_~-]+)$" {{
    types {{
        text/html html;
{types}
    }}
    add_header Vary Accept always;
    try_files {prefix}$cxgraph_slug.$cxgraph_ext =404;
}}
location ~ "^{prefix}.*\\.(ttl|jsonld|rdf|nt)$" {{
    types {{
{types}
    }}
}}
"""
    rewrite = "\n".join(
        f"RewriteCond %{{HTTP_ACCEPT}} {pattern}\nRewriteCond %{{HTTP_ACCEPT}} !text/html\n"
        f"RewriteCond %{{DOCUMENT_ROOT}}{prefix}$1.{ext} -f\nRewriteRule ^([A-Za-z0-9_~-]+)$ $1.{ext} [L]"
        for ext, pattern in (
            ("ttl", r"text/turtle"),
            ("jsonld", r"application/ld\+json"),
            ("rdf", r"application/rdf\+xml"),
            ("nt", r"application/n-triples"),
        )
    )
    apache = f"""# cxgraph site: content negotiation for Apache httpd (mod_rewrite, mod_headers, mod_mime).
# Put this file in the site folder, published under {prefix}; AllowOverride FileInfo must be on.
Options -MultiViews
DirectoryIndex index.html
AddType text/turtle .ttl
AddType application/ld+json .jsonld
AddType application/rdf+xml .rdf
AddType application/n-triples .nt
RewriteEngine On
RewriteBase {prefix}
RewriteRule ^$ vocabulary
{rewrite}
RewriteCond %{{DOCUMENT_ROOT}}{prefix}$1.html -f
RewriteRule ^([A-Za-z0-9_~-]+)$ $1.html [L]
<IfModule mod_headers.c>
Header append Vary Accept
</IfModule>
"""
    w3id = f"""# The redirect to register at w3id.org (a pull request to github.com/perma-id/w3id.org adding
# this file as cxgraph/.htaccess). It sends every IRI under https://w3id.org/cxgraph/ to the
# site, keeping the Accept header, so the site's own rules pick HTML or RDF.
Options +FollowSymLinks
RewriteEngine on
RewriteRule ^(.*)$ {base_url.rstrip("/")}/$1 [R=303,L]
"""
    return {"nginx-cxgraph.conf": nginx, ".htaccess": apache, "w3id.htaccess": w3id}


def build_site(
    store: ox.Store,
    out_dir: Path,
    base_url: str | None = None,
    progress: Callable[[str], None] | None = None,
) -> dict[str, int]:
    """Write the static site for the vocabulary in ``store`` into ``out_dir``; file → size."""
    say = progress or (lambda _m: None)
    base = base_url or CXG
    if not base.endswith("/"):
        base += "/"
    say("reading the vocabulary")
    model = build_site_model(store)
    site = _Site(model, base)
    w = _Writer(out_dir)
    try:
        _write_site(store, model, site, w, base, say)
    except BaseException:
        w.staged.discard()
        raise
    w.staged.commit()
    return dict(sorted(w.sizes.items()))


def _write_site(
    store: ox.Store, model: SiteModel, site: _Site, w: _Writer, base: str, say: Callable[[str], None]
) -> None:
    whole = ("cxgraph.ttl", "cxgraph.jsonld", "cxgraph.rdf", "cxgraph.nt")
    say("downloads")
    render_exports(
        take_snapshot(store),
        lambda name, data: w.write(f"downloads/{name}", data, keep=name in whole),
        extra_files=("cxgraph.html",),
        base_url=base + "downloads/",
    )
    w.write("downloads/cxgraph.html", render_model(model.view))
    downloads = {name[len("downloads/") :]: size for name, size in w.sizes.items() if name.startswith("downloads/")}
    say(f"{len(model.entries)} concept pages")
    for entry in model.entries.values():
        w.write(f"{entry.slug}.html", site.concept_page(entry))
    for iri in model.collections:
        w.write(f"{slug_of(iri)}.html", site.collection_page(iri))
    for iri in [*model.entries, *model.collections]:
        triples = _concept_rdf(store, iri)
        for ext, (_, fmt, _) in RDF_FORMATS.items():
            w.write(f"{slug_of(iri)}.{ext}", _serialize(triples, fmt))
    say("home, index, hierarchy, search")
    home = site.home(downloads)
    w.write("index.html", home)
    if model.scheme.iri.startswith(CXG):
        w.write(f"{slug_of(model.scheme.iri)}.html", home)
    for ext, full in (
        ("ttl", "cxgraph.ttl"),
        ("jsonld", "cxgraph.jsonld"),
        ("rdf", "cxgraph.rdf"),
        ("nt", "cxgraph.nt"),
    ):
        w.write(f"vocabulary.{ext}", w.kept[f"downloads/{full}"])
    w.write("browse/a-z.html", site.a_to_z())
    w.write("browse/hierarchy.html", site.hierarchy())
    w.write("browse/collections.html", site.collections_page())
    w.write("assets/site.css", _asset("site.css"))
    w.write("assets/site.js", _asset("site.js"))
    w.write("assets/search-index.js", site.search_index())
    for name, text in server_rules(base).items():
        w.write(name, text)
    w.write(".nojekyll", b"")
