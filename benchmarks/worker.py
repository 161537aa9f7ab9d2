"""One measurement run in a fresh process: ``python -m benchmarks.worker KIND ARGS``.

Prints one JSON object on standard output: ``{"steps": [{"name", "seconds", "peak_kib",
"cpu_seconds", "detail"}, ...], "peak_method": ...}``. The suite starts a new worker for every run, so each run
sees a cold process: nothing cached, memory counted from zero.

Kinds:
  pipeline ONTOLOGY            every cxgraph stage in build order, then typical queries
  view ONTOLOGY [--write F]    the HTML view (optionally kept in F for the browser run)
  rdflib ONTOLOGY [--jsonld]   bare rdflib: parse the Turtle files, write Turtle (and JSON-LD)
  pyoxigraph ONTOLOGY          bare pyoxigraph: load the Turtle files into a store, dump Turtle
  owlrl ONTOLOGY               owlrl's OWL 2 RL closure of the SKOS axioms, checked against ours
  rules ONTOLOGY               the same three rules cxgraph applies, in plain rdflib and Python
  browser PAGE.html            open the HTML view in headless Chromium until it is interactive
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .probe import PEAK_METHOD, measure

__all__ = ["STAGES", "main"]

SKOS = "http://www.w3.org/2004/02/skos/core#"
CXG = "https://w3id.org/cxgraph/"
CHROMIUM = "/usr/bin/chromium"


class Steps:
    """The steps of one run, measured one after the other."""

    def __init__(self) -> None:
        self.rows: list[dict[str, Any]] = []

    def run(self, name: str, step: Callable[[], Any], detail: Callable[[Any], str] | None = None) -> Any:
        result, measured = measure(step)
        self.rows.append({
            "name": name,
            "seconds": measured.seconds,
            "peak_kib": measured.peak_kib,
            "cpu_seconds": measured.cpu_seconds,
            "detail": detail(result) if detail is not None else "",
        })
        return result

    def add(self, name: str, seconds: float, peak_kib: int, detail: str = "") -> None:
        self.rows.append({"name": name, "seconds": seconds, "peak_kib": peak_kib, "detail": detail})


def _turtle_files(ontology: Path) -> list[Path]:
    return sorted(p for p in ontology.rglob("*.ttl") if p.is_file())


# Typical queries; the project's prefixes (skos:, cxg: …) are predeclared by cxgraph.query.
DESCENDANTS = "SELECT ?d WHERE {{ ?d skos:broader* <{top}> }}"
LABEL_LOOKUP = "SELECT ?c WHERE {{ ?c skos:prefLabel {label} }}"
CLASH = "SELECT ?a ?b WHERE { ?a skos:broader+ ?b . ?a skos:related ?b }"
NAMED_QUERY = "synonyms-of-term"

#: The timed steps each kind of run reports, in order (the report's rows).
STAGES: dict[str, tuple[str, ...]] = {
    "pipeline": (
        "import cxgraph", "load", "infer", "check", "snapshot (sorted N-Triples)", "export Turtle",
        "export JSON-LD", "export N-Triples", "export RDF/XML", "export CSV", "query: prefLabel lookup",
        "query: skos:broader* descendants", "query: related vs broader+ clash", f"query: named ({NAMED_QUERY})",
    ),
    "view": ("view (HTML)",),
    "rdflib": ("import rdflib", "rdflib parse Turtle", "rdflib write Turtle", "rdflib write JSON-LD"),
    "pyoxigraph": ("import pyoxigraph", "pyoxigraph load Turtle", "pyoxigraph write Turtle"),
    "owlrl": ("owlrl OWL 2 RL closure", "owlrl agrees with cxgraph infer"),
    "rules": ("same three rules in plain rdflib/Python",),
    "browser": ("view ready in Chromium", "view search + select"),
}


def pipeline(ontology: Path, steps: Steps) -> None:
    """Load → infer → check → snapshot → each export, then four typical queries."""

    def imports() -> None:
        import cxgraph.checks
        import cxgraph.export
        import cxgraph.pipeline
        import cxgraph.query
        import cxgraph.vocab  # noqa: F401

    steps.run("import cxgraph", imports)
    import pyoxigraph as ox

    from cxgraph.checks import run_checks
    from cxgraph.export import take_snapshot
    from cxgraph.export.jsonld import to_jsonld
    from cxgraph.export.rdf import to_ntriples, to_rdfxml, to_turtle
    from cxgraph.export.spreadsheet import to_csv
    from cxgraph.pipeline import complete
    from cxgraph.query import resolve_query, run_query
    from cxgraph.vocab import load_vocabulary

    def size(data: bytes) -> str:
        return f"{len(data):,} bytes"

    vocabulary = steps.run("load", lambda: load_vocabulary(ontology), lambda v: f"{len(v):,} triples")
    graph = steps.run("infer", lambda: complete(vocabulary), lambda g: f"+{g.entailed:,} triples")
    store = graph.store
    steps.run("check", lambda: run_checks(store),
              lambda r: f"{len(r.checks)} checks, {len(r.errors)} errors, {len(r.warnings)} warnings")
    snapshot = steps.run("snapshot (sorted N-Triples)", lambda: take_snapshot(store), lambda s: size(s.ntriples))
    steps.run("export Turtle", lambda: to_turtle(snapshot), size)
    steps.run("export JSON-LD", lambda: to_jsonld(snapshot), lambda d: size(d.document))
    steps.run("export N-Triples", lambda: to_ntriples(snapshot), size)
    steps.run("export RDF/XML", lambda: to_rdfxml(snapshot), size)
    steps.run("export CSV", lambda: to_csv(snapshot), size)

    # Query subjects picked outside the timed steps: a concept in the middle, the first top concept.
    concepts = sorted(q.subject.value for q in store.quads_for_pattern(
        None, ox.NamedNode(SKOS + "prefLabel"), None, ox.DefaultGraph()) if q.subject.value.startswith(CXG))
    middle = ox.NamedNode(concepts[len(concepts) // 2])
    label = next(store.quads_for_pattern(middle, ox.NamedNode(SKOS + "prefLabel"), None)).object
    tops = sorted(q.subject.value for q in store.quads_for_pattern(None, ox.NamedNode(SKOS + "topConceptOf"), None))
    top = tops[0] if tops else concepts[0]
    named = resolve_query(NAMED_QUERY)

    def rows(text: str, source: str) -> Callable[[], int]:
        return lambda: len(list(run_query(store, text, source=source)))  # type: ignore[arg-type]

    def count(n: int) -> str:
        return f"{n:,} rows"

    steps.run("query: prefLabel lookup", rows(LABEL_LOOKUP.format(label=label), "label"), count)
    steps.run("query: skos:broader* descendants", rows(DESCENDANTS.format(top=top), "descendants"), count)
    steps.run("query: related vs broader+ clash", rows(CLASH, "clash"), count)
    steps.run(f"query: named ({NAMED_QUERY})", rows(named.text, str(named.path)), count)


def view(ontology: Path, write: Path | None, steps: Steps) -> None:
    """The HTML view of the complete graph (loaded and completed outside the timed step)."""
    from cxgraph.pipeline import complete
    from cxgraph.vocab import load_vocabulary

    store = complete(load_vocabulary(ontology)).store
    try:
        from cxgraph.view import render_view
    except ImportError as exc:
        steps.add("view (HTML)", float("nan"), 0, f"n/a: {exc}")
        return
    page = steps.run("view (HTML)", lambda: render_view(store), lambda d: f"{len(d):,} bytes")
    if write is not None:
        write.write_bytes(page)


def bare_rdflib(ontology: Path, jsonld: bool, steps: Steps) -> None:
    """The floor for an rdflib pipeline: parse the same Turtle, serialise it again."""
    steps.run("import rdflib", lambda: __import__("rdflib"))
    import rdflib

    def parse() -> rdflib.Graph:
        graph = rdflib.Graph()
        for path in _turtle_files(ontology):
            graph.parse(path, format="turtle")
        return graph

    graph = steps.run("rdflib parse Turtle", parse, lambda g: f"{len(g):,} triples")
    steps.run("rdflib write Turtle", lambda: graph.serialize(format="turtle", encoding="utf-8"),
              lambda d: f"{len(d):,} bytes")
    if jsonld:
        steps.run("rdflib write JSON-LD", lambda: graph.serialize(format="json-ld", encoding="utf-8"),
                  lambda d: f"{len(d):,} bytes")


def bare_pyoxigraph(ontology: Path, steps: Steps) -> None:
    """The practical floor: Oxigraph parses into its store and writes Turtle back.

    Each file goes in with ``Store.load``, as the build loads them.
    """
    steps.run("import pyoxigraph", lambda: __import__("pyoxigraph"))
    import pyoxigraph as ox

    def load() -> ox.Store:
        store = ox.Store()
        for path in _turtle_files(ontology):
            store.load(path=str(path), format=ox.RdfFormat.TURTLE, base_iri=path.resolve().as_uri())
        return store

    store = steps.run("pyoxigraph load Turtle", load, lambda s: f"{len(s):,} triples")
    steps.run("pyoxigraph write Turtle", lambda: store.dump(format=ox.RdfFormat.TURTLE, from_graph=ox.DefaultGraph()),
              lambda d: f"{len(d):,} bytes")


def plain_rules(ontology: Path, steps: Steps) -> None:
    """The second inference baseline: cxgraph's three rules (sub-property, inverse, symmetric) in rdflib and Python.

    The Turtle is parsed into an rdflib graph outside the timed step; the step reads the
    axioms, computes every entailed triple with Python sets and adds them to the graph.
    """

    import rdflib
    from rdflib.namespace import OWL, RDF, RDFS

    from cxgraph import infer

    graph = rdflib.Graph()
    for path in _turtle_files(ontology):
        graph.parse(path, format="turtle")
    axioms_file = Path(infer.__file__).with_name("skos-entailment.ttl")

    def closure() -> int:
        # The property axioms go through cxgraph's own form computation (cheap, shared logic);
        # what this baseline measures is applying the rules to the data with rdflib.
        axioms = infer.PropertyAxioms.empty()
        for source in (rdflib.Graph().parse(axioms_file, format="turtle"), graph):
            for s, _, o in source.triples((None, RDFS.subPropertyOf, None)):
                axioms.supers[str(s)].add(str(o))
            for s, _, o in source.triples((None, OWL.inverseOf, None)):
                axioms.inverses[str(s)].add(str(o))
                axioms.inverses[str(o)].add(str(s))
            axioms.symmetric.update(str(s) for s in source.subjects(RDF.type, OWL.SymmetricProperty))
        forms = {
            rdflib.URIRef(prop): {(rdflib.URIRef(target), swapped) for target, swapped in targets}
            for prop, targets in infer.entailment_forms(axioms).items()
        }
        new = set()
        for prop, targets in forms.items():
            for s, _, o in graph.triples((None, prop, None)):
                for target, swapped in targets:
                    if not swapped:
                        new.add((s, target, o))
                    elif not isinstance(o, rdflib.Literal):
                        new.add((o, target, s))
        before = len(graph)
        for triple in new:
            graph.add(triple)
        return len(graph) - before

    steps.run("same three rules in plain rdflib/Python", closure, lambda n: f"+{n:,} triples")


_NOT_ABOUT = ("http://www.w3.org/1999/02/22-rdf-syntax-ns#", "http://www.w3.org/2000/01/rdf-schema#",
              "http://www.w3.org/2002/07/owl#", "http://www.w3.org/2001/XMLSchema#")
_OBSERVED = (SKOS, "https://w3id.org/cxgraph/ontology#")


def _skos_part(triples: Any) -> set[tuple[Any, Any, Any]]:
    """The SKOS and cx: triples about the vocabulary's own resources (what users see)."""
    import rdflib

    return {
        (s, p, o) for s, p, o in triples
        if not isinstance(s, rdflib.Literal) and not str(s).startswith(_NOT_ABOUT) and str(p).startswith(_OBSERVED)
    }


def owlrl_closure(ontology: Path, steps: Steps) -> None:
    """owlrl's OWL 2 RL closure of the same axioms cxgraph applies, and whether the SKOS parts agree."""
    import owlrl
    import pyoxigraph as ox
    import rdflib

    import cxgraph
    from cxgraph.pipeline import complete
    from cxgraph.vocab import load_vocabulary

    axioms = Path(str(cxgraph.__file__)).with_name("skos-entailment.ttl")

    def to_rdflib(store: ox.Store) -> rdflib.Graph:
        data = ox.serialize((q.triple for q in store), format=ox.RdfFormat.N_TRIPLES)
        return rdflib.Graph().parse(data=data, format="nt")

    graph = to_rdflib(load_vocabulary(ontology).store)
    graph.parse(axioms, format="turtle")
    before = len(graph)
    steps.run("owlrl OWL 2 RL closure", lambda: owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(graph),
              lambda _: f"+{len(graph) - before:,} triples")
    ours = _skos_part(to_rdflib(complete(load_vocabulary(ontology)).store))
    oracle = _skos_part(graph)
    has_blank = any(isinstance(t, rdflib.BNode) for triple in ours | oracle for t in triple)
    if has_blank:
        from rdflib.compare import isomorphic

        def as_graph(triples: set[tuple[Any, Any, Any]]) -> rdflib.Graph:
            g = rdflib.Graph()
            for t in triples:
                g.add(t)
            return g

        same = isomorphic(as_graph(ours), as_graph(oracle))
    else:
        same = ours == oracle
    detail = f"same={same}; {len(ours):,} SKOS triples ours, {len(oracle):,} owlrl"
    if not same and not has_blank:
        detail += f"; only ours {len(ours - oracle)}, only owlrl {len(oracle - ours)}"
    steps.add("owlrl agrees with cxgraph infer", 0.0, 0, detail)


def browser(page: Path, steps: Steps) -> None:
    """Open the page in headless Chromium; time until the view says it is ready, then one search."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM if Path(CHROMIUM).exists() else None, headless=True)
        try:
            tab = chromium.new_page(viewport={"width": 1400, "height": 900})
            began = time.perf_counter()
            tab.goto(page.resolve().as_uri(), wait_until="commit", timeout=120_000)
            tab.wait_for_selector("body[data-ready='true']", state="attached", timeout=120_000)
            wall = time.perf_counter() - began
            ready_ms = tab.evaluate("window.cxgraph && window.cxgraph.readyAt")
            steps.add("view ready in Chromium", wall, 0,
                      f"page's own readyAt {ready_ms / 1000:.2f} s" if isinstance(ready_ms, int | float) else "")
            began = time.perf_counter()
            found = tab.evaluate("(() => { const ids = window.cxgraph.search('metric');"
                                 " if (ids.length) window.cxgraph.select(ids[0]); return ids.length; })()")
            tab.evaluate("new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
            steps.add("view search + select", time.perf_counter() - began, 0, f"{found} hits")
        finally:
            chromium.close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.worker")
    parser.add_argument("kind", choices=("pipeline", "view", "rdflib", "pyoxigraph", "owlrl", "rules", "browser"))
    parser.add_argument("path", type=Path)
    parser.add_argument("--write", type=Path, default=None)
    parser.add_argument("--jsonld", action="store_true")
    args = parser.parse_args(argv)
    steps = Steps()
    if args.kind == "pipeline":
        pipeline(args.path, steps)
    elif args.kind == "view":
        view(args.path, args.write, steps)
    elif args.kind == "rdflib":
        bare_rdflib(args.path, args.jsonld, steps)
    elif args.kind == "pyoxigraph":
        bare_pyoxigraph(args.path, steps)
    elif args.kind == "owlrl":
        owlrl_closure(args.path, steps)
    elif args.kind == "rules":
        plain_rules(args.path, steps)
    else:
        browser(args.path, steps)
    sys.stdout.write(json.dumps({"steps": steps.rows, "peak_method": PEAK_METHOD}) + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
    # Leave without tearing down what the run built, as `cxgraph` itself does: freeing a large
    # rdflib graph or store object by object costs seconds that no floor should be charged.
    os._exit(0)
