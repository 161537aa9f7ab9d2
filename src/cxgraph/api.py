"""The Python API: everything the command line does, as functions that return results.

The ``cxgraph`` commands are thin callers of these functions: they parse options, call one of
them, and print what it returns. The functions never print and never exit; problems are raised
as the exceptions of :mod:`cxgraph.errors`, each carrying the exit code the command line uses.

Oxigraph (pyoxigraph) stays the engine: loading, inference, checks and exports run there.
:func:`graph` converts the complete vocabulary to an :class:`rdflib.Graph` for scripts that
speak rdflib; :func:`concept` reads one concept into a plain, typed record.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from .checks import CheckReport
from .errors import ChecksFailed, UsageError
from .lookup import ConceptName, resolve_name
from .namespaces import CX, CXG, DCT, PREFIXES, RDF, SKOS, compact_iri
from .vocab import deprecated_concepts

if TYPE_CHECKING:
    import rdflib

    from .glossary import Glossary, Match, VocabularyIndex
    from .glossary.apply import ApplyResult
    from .glossary.patch import Patch

__all__ = [
    "BuildResult",
    "ConceptRecord",
    "ConceptRef",
    "ImportResult",
    "ViewResult",
    "build",
    "check",
    "concept",
    "graph",
    "import_glossary",
    "vocabulary_version",
    "write_view",
]

#: A progress callback: called with one short message per step of a long operation.
ProgressCallback = Callable[[str], None]


def _quiet(_message: str) -> None:
    """The progress callback used when none is given."""


# ---------------------------------------------------------------------------------------------
# build, check, view
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BuildResult:
    """What :func:`build` wrote: the files, the size of the graph, the checks' report."""

    out_dir: Path
    files: tuple[Path, ...]
    asserted: int
    entailed: int
    report: CheckReport
    view: Path | None

    @property
    def triples(self) -> int:
        """Asserted plus entailed triples: the size of every RDF export."""
        return self.asserted + self.entailed


def build(
    out_dir: str | Path = "exports",
    ontology_dir: str | Path | None = None,
    view: bool = True,
    progress: ProgressCallback | None = None,
    base_url: str | None = None,
) -> BuildResult:
    """Check the vocabulary, infer its SKOS entailments and write every export into ``out_dir``.

    The files are written into a hidden folder beside ``out_dir`` and swapped in as a whole once
    every file is written and every check has passed, so ``out_dir`` always holds either the
    complete old set or the complete new one (see :class:`cxgraph.atomic.StagedFiles`). The
    SPARQL checks run in a second thread while this one renders. ``view=False`` skips the HTML view;
    ``base_url`` is where the files are published (for ``void.ttl``; default: the scheme's
    namespace). ``progress`` is called with a message at each step.

    Raises :class:`~cxgraph.errors.ChecksFailed` (its ``report`` lists the violations) when a
    check of severity ``error`` fails, writing nothing; :class:`~cxgraph.errors.VocabularyError`
    when the vocabulary cannot be read; :class:`~cxgraph.errors.UsageError` when ``out_dir``
    cannot be replaced or written.
    """
    from .atomic import StagedFiles, recover_folder
    from .background import in_background
    from .checks import CheckRun
    from .export import ExportRendering, take_snapshot
    from .pipeline import complete
    from .vocab import load_vocabulary

    say = progress or _quiet
    out = Path(out_dir)
    try:
        for path in recover_folder(out):
            say(f"removed {path.name}, left behind by an interrupted build")
        staged = StagedFiles(out)  # refuses a folder that cannot be replaced, before any work
        vocabulary = load_vocabulary(_path(ontology_dir))
        say(f"loaded {len(vocabulary):,} triples from {len(vocabulary.files)} files")
        complete_graph = complete(vocabulary)
        say(f"inferred {complete_graph.entailed:,} SKOS triples")
        # Three things run at once, and nothing appears until all are done: the SPARQL checks in a
        # second thread (Oxigraph evaluates without holding the interpreter lock), Turtle, JSON-LD
        # and CSV in a second process reading the N-Triples file, and here the checks computed in
        # Python, then RDF/XML from the same file (in rendering.finish()).
        checks = CheckRun(complete_graph.store)
        checking = in_background(checks.sparql)
        rendering: ExportRendering | None = None
        try:
            snapshot = take_snapshot(complete_graph.store)
            rendering = ExportRendering(
                snapshot,
                staged.add,
                progress=lambda name: say(f"rendering {name}"),
                extra_files=("cxgraph.html",) if view else (),
                base_url=base_url,
                reserve=staged.reserve,
            )
            rendering.start()
            del snapshot  # the second process reads it from the N-Triples file
            say("running the checks computed in Python")
            native = checks.native()
            rendering.finish()
            rendering = None
            if view:
                from .view import render_view

                say("rendering cxgraph.html")
                staged.add("cxgraph.html", render_view(complete_graph.store))
            report = checks.report(checking.result(), native)
            say(f"ran {len(report.checks)} checks")
            if not report.ok:
                staged.discard()
                raise ChecksFailed(report, "the vocabulary fails its checks; no exports were written")
            written = staged.commit()
        except BaseException:
            if rendering is not None:
                rendering.stop()
            staged.discard()
            raise
    except OSError as exc:
        raise UsageError(f"{exc.filename or out}: cannot write the exports: {exc.strerror or exc}") from exc
    say(f"wrote {len(written)} files")
    return BuildResult(
        out_dir=out,
        files=tuple(written),
        asserted=complete_graph.asserted,
        entailed=complete_graph.entailed,
        report=report,
        view=out / "cxgraph.html" if view else None,
    )


def check(ontology_dir: str | Path | None = None) -> CheckReport:
    """Run the SKOS integrity and quality checks on the vocabulary; ``report.ok`` says if it passes.

    Failing checks are reported, not raised; :class:`~cxgraph.errors.VocabularyError` is raised
    only when the vocabulary cannot be read.
    """
    from .checks import run_checks

    return run_checks(_complete_store(ontology_dir))


@dataclass(frozen=True)
class ViewResult:
    """The HTML view :func:`write_view` wrote."""

    path: Path
    size: int
    concepts: int
    links: int


def write_view(
    out_file: str | Path = "exports/cxgraph.html",
    ontology_dir: str | Path | None = None,
    concept: str | None = None,
    progress: ProgressCallback | None = None,
) -> ViewResult:
    """Write the interactive HTML graph view, and nothing else (the checks do not run).

    ``concept`` (a slug, ``cxg:slug``, IRI, label or acronym) is the concept the page opens on;
    an unknown one raises :class:`~cxgraph.errors.UsageError` with suggestions, writing nothing.
    """
    from .atomic import write_bytes_atomic
    from .pipeline import complete_store
    from .view.model import build_model
    from .view.page import render_model

    say = progress or _quiet
    target = Path(out_file)
    store = complete_store(_path(ontology_dir), progress=say)  # from the cache after the first run
    say("opened the complete graph")
    model = build_model(store)
    say(f"read {len(model.concepts):,} concepts and {len(model.edges):,} links")
    page = render_model(model, concept)
    say("laid out and rendered the page")
    try:
        write_bytes_atomic(target, page)
    except OSError as exc:
        raise UsageError(f"{target}: cannot write: {exc.strerror}") from exc
    say(f"wrote {len(page):,} bytes")
    return ViewResult(path=target, size=len(page), concepts=len(model.concepts), links=len(model.edges))


# ---------------------------------------------------------------------------------------------
# import
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportResult:
    """A glossary read and matched onto the vocabulary, with its patch and where it went."""

    glossary: Glossary
    matches: tuple[Match, ...]
    index: VocabularyIndex
    source_title: str
    patch: Patch
    out_file: Path | None = None
    applied: ApplyResult | None = None
    language: str = "en"
    """The glossary's language: the one its entries were matched in."""
    language_counts: dict[str, int] = field(default_factory=dict)
    """Per declared language, how many entries met its labels (empty when the language was given)."""

    def report(self) -> str:
        """The readable term-by-term report ``cxgraph import`` prints."""
        from .glossary import render_report

        return render_report(
            self.glossary, self.matches, self.index, self.source_title, self.language, self.language_counts
        )

    def json(self) -> str:
        """The JSON array ``cxgraph import --json`` prints, one object per entry."""
        from .glossary import render_json

        return render_json(self.matches)


def import_glossary(
    file: str | Path,
    ontology_dir: str | Path | None = None,
    *,
    source_title: str | None = None,
    fmt: str = "auto",
    out_file: str | Path | None = None,
    apply: bool = False,
    max_size: int | str = "50M",
    language: str | None = None,
) -> ImportResult:
    """Read a team's glossary, match it onto the vocabulary and build its Turtle patch.

    ``fmt`` is ``auto``, ``text``, ``markdown`` or ``csv``. ``source_title`` defaults to the
    glossary's own title line, else the file name. ``out_file`` writes the patch there;
    ``apply=True`` writes it to ``ontology/imports/<source>.ttl`` too, only if every check
    still passes (an installed copy of the vocabulary is never edited: pass ``ontology_dir``).
    Both are written all or nothing. ``language`` is the glossary's language (a declared one,
    such as ``es``); by default it is detected from the labels the entries meet. Raises
    :class:`~cxgraph.errors.VocabularyError` when the patch would break a check,
    :class:`~cxgraph.errors.InputError` or :class:`~cxgraph.errors.UsageError` for an unusable
    glossary or an unwritable file.
    """
    from .atomic import write_files_atomic
    from .glossary import VocabularyIndex, build_patch, match_entries, read_glossary
    from .glossary.apply import check_patch, write_error
    from .glossary.decode import parse_size
    from .glossary.match import StoreReading, detect_language
    from .query_language import resolve_language
    from .vocab import load_vocabulary

    source = Path(file)
    out = Path(out_file) if out_file is not None else None
    ontology = _path(ontology_dir)
    if out is not None and out.resolve() == source.resolve():
        raise UsageError(f"{out}: --out would overwrite the glossary being imported; write it elsewhere")
    limit = parse_size(max_size) if isinstance(max_size, str) else max_size
    glossary = read_glossary(source, fmt, limit)
    vocabulary = load_vocabulary(ontology)
    reading = StoreReading.of(vocabulary.store)
    if language is None:
        chosen, counts = detect_language(glossary.entries, reading)
    else:
        chosen, counts = resolve_language(reading.languages, language), {}
    index = VocabularyIndex.from_reading(reading, chosen)
    matches = tuple(match_entries(glossary.entries, index))
    given = source_title.strip() if source_title else ""
    title = given or glossary.title or source.stem
    patch = build_patch(matches, index, title, origin=source.name, language=chosen)
    applied = check_patch(patch, ontology, vocabulary) if apply else None
    # The patch file and the applied import are written together, all or nothing: each in full
    # to a temporary file first, then renamed into place, so a full disk leaves no trace of either.
    outputs = [(out, patch.data())] if out is not None else []
    if applied is not None:
        outputs.append((applied.path, patch.data()))
    try:
        write_files_atomic(outputs)
    except OSError as exc:
        raise write_error(exc) from exc
    return ImportResult(glossary, matches, index, title, patch, out, applied, chosen, counts)


# ---------------------------------------------------------------------------------------------
# graph and concept
# ---------------------------------------------------------------------------------------------


def _path(directory: str | Path | None) -> Path | None:
    return Path(directory) if directory is not None else None


_STORES: dict[tuple[object, ...], ox.Store] = {}


def _complete_store(ontology_dir: str | Path | None) -> ox.Store:
    """The complete store of a vocabulary, reused while none of its files changes."""
    from .pipeline import complete_store
    from .resources import default_ontology_dir
    from .vocab import ontology_files

    directory = _path(ontology_dir) or default_ontology_dir()
    files = ontology_files(directory)
    key: tuple[object, ...] = (str(directory.resolve()), *((str(p), p.stat().st_mtime_ns, p.stat().st_size)
                                                          for p in files))
    store = _STORES.get(key)
    if store is None:
        store = complete_store(directory)  # the on-disk cache, unless it is turned off
        _STORES.clear()  # keep one vocabulary in memory, not every folder ever asked about
        _STORES[key] = store
    return store


def _rdflib_term(term: object) -> rdflib.term.Node:
    from rdflib import BNode, Literal, URIRef

    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        return Literal(term.value, datatype=URIRef(term.datatype.value))
    raise TypeError(f"cannot convert {term!r} to rdflib")  # RDF-star triples do not occur in cxgraph


def graph(ontology_dir: str | Path | None = None) -> rdflib.Graph:
    """The complete vocabulary (asserted plus entailed SKOS triples) as an :class:`rdflib.Graph`.

    It holds the same triples as ``exports/cxgraph.nt``, with the project's prefixes (``cx:``,
    ``cxg:``, ``skos:`` …) bound. The graph is a copy: changing it changes nothing in cxgraph.
    """
    import rdflib

    result = rdflib.Graph()
    for prefix, namespace in PREFIXES.items():
        result.bind(prefix, rdflib.Namespace(namespace), override=True, replace=True)
    cache: dict[object, rdflib.term.Node] = {}

    def convert(term: object) -> rdflib.term.Node:
        node = cache.get(term)
        if node is None:
            node = cache[term] = _rdflib_term(term)
        return node

    add = result.add
    for quad in _complete_store(ontology_dir):
        add((convert(quad.subject), convert(quad.predicate), convert(quad.object)))
    return result


@dataclass(frozen=True)
class ConceptRef:
    """A concept named on another concept's record: its IRI and preferred label."""

    iri: str
    label: str

    @property
    def slug(self) -> str:
        return _slug(self.iri)


@dataclass(frozen=True)
class ConceptRecord:
    """One concept of the vocabulary, read from the complete graph.

    ``labels`` maps a kind (``prefLabel``, ``altLabel``, ``hiddenLabel``, ``acronym``) to the
    labels of that kind by language tag; acronyms are not repeated among the alternative labels
    they entail. ``definitions`` maps a language to its definitions. ``related`` groups the
    associative links by their most specific relation (``cx:measuredBy``, ``skos:related`` …);
    ``facts`` holds the other ``cx:`` properties (``cx:unit``, ``cx:direction``,
    ``cx:formula`` …) and ``notes`` the note properties, values as strings (IRIs compacted).
    """

    iri: str
    slug: str
    labels: Mapping[str, Mapping[str, tuple[str, ...]]]
    definitions: Mapping[str, tuple[str, ...]]
    broader: tuple[ConceptRef, ...] = ()
    narrower: tuple[ConceptRef, ...] = ()
    related: Mapping[str, tuple[ConceptRef, ...]] = field(default_factory=dict)
    facts: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    notes: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    sources: tuple[str, ...] = ()
    deprecated: bool = False

    @property
    def pref_label(self) -> str:
        """The English preferred label (else any)."""
        return _first(self.labels.get("prefLabel", {})) or self.slug

    @property
    def definition(self) -> str:
        """The English definition (else any; empty when there is none)."""
        return _first(self.definitions)

    @property
    def acronyms(self) -> tuple[str, ...]:
        """Every acronym, all languages."""
        return tuple(a for values in self.labels.get("acronym", {}).values() for a in values)


def _first(by_language: Mapping[str, tuple[str, ...]]) -> str:
    for lang in ("en", *sorted(by_language)):
        values = by_language.get(lang)
        if values:
            return values[0]
    return ""


def _slug(iri: str) -> str:
    if iri.startswith(CXG) and "/" not in iri[len(CXG) :]:
        return iri[len(CXG) :]
    return compact_iri(iri) or iri


_DEFAULT = ox.DefaultGraph()
_PREF, _ALT, _HIDDEN = (ox.NamedNode(SKOS + n) for n in ("prefLabel", "altLabel", "hiddenLabel"))
_ACRONYM = ox.NamedNode(CX + "acronym")
_LABEL_KINDS = {_PREF.value: "prefLabel", _ALT.value: "altLabel", _HIDDEN.value: "hiddenLabel",
                _ACRONYM.value: "acronym"}
_NOTE_PROPERTIES = frozenset(
    [SKOS + n for n in ("note", "scopeNote", "example", "historyNote", "changeNote", "editorialNote")]
    + [CX + "disagreementNote", CX + "implementationNote"]
)
_HIERARCHY = frozenset({SKOS + "broader", SKOS + "narrower", SKOS + "broaderTransitive",
                        SKOS + "narrowerTransitive"})


def _concept_names(store: ox.Store) -> list[ConceptName]:
    deprecated = deprecated_concepts(store)
    names = []
    concepts = {q.subject.value for q in store.quads_for_pattern(None, ox.NamedNode(RDF + "type"),
                                                                   ox.NamedNode(SKOS + "Concept"), _DEFAULT)
                if isinstance(q.subject, ox.NamedNode)}
    for iri in sorted(concepts, key=lambda i: (i in deprecated, i)):
        node = ox.NamedNode(iri)
        prefs = _literals(store, node, _PREF)
        pref = prefs.get("en", ()) or next(iter(prefs.values()), ())
        others = [v for values in prefs.values() for v in values]
        for prop in (_ALT, _HIDDEN, _ACRONYM):
            others += [v for values in _literals(store, node, prop).values() for v in values]
        names.append(ConceptName(_slug(iri), iri, pref[0] if pref else _slug(iri), tuple(others)))
    return names


def _literals(store: ox.Store, node: ox.NamedNode, prop: ox.NamedNode) -> dict[str, tuple[str, ...]]:
    found: dict[str, set[str]] = defaultdict(set)
    for q in store.quads_for_pattern(node, prop, None, _DEFAULT):
        if isinstance(q.object, ox.Literal):
            found[q.object.language or ""].add(q.object.value)
    return {lang: tuple(sorted(values, key=lambda v: (v.casefold(), v))) for lang, values in sorted(found.items())}


def _value(term: object) -> str:
    if isinstance(term, ox.NamedNode):
        return compact_iri(term.value) or term.value
    if isinstance(term, ox.Literal | ox.BlankNode):
        return term.value
    return str(term)


def _subproperties_of_related(store: ox.Store) -> set[str]:
    rows = store.query("SELECT DISTINCT ?p WHERE { ?p rdfs:subPropertyOf* skos:related }", prefixes=PREFIXES)
    assert isinstance(rows, ox.QuerySolutions)
    found = {row["p"].value for row in rows if isinstance(row["p"], ox.NamedNode)}
    return found | {SKOS + "related"}


def _supers(store: ox.Store, prop: str) -> set[str]:
    rows = store.query(f"SELECT DISTINCT ?s WHERE {{ <{prop}> rdfs:subPropertyOf+ ?s }}", prefixes=PREFIXES)
    assert isinstance(rows, ox.QuerySolutions)
    return {row["s"].value for row in rows if isinstance(row["s"], ox.NamedNode)} - {prop}


def concept(ident: str, ontology_dir: str | Path | None = None) -> ConceptRecord:
    """The concept ``ident`` names: a slug (``customer-satisfaction-score``), ``cxg:slug``, an
    IRI, a label in any language or an acronym (``CSAT``), compared without regard to case.

    An unknown name raises :class:`~cxgraph.errors.UsageError` whose message suggests the
    closest slugs, labels and acronyms.
    """
    store = _complete_store(ontology_dir)
    every = _concept_names(store)
    found = resolve_name(every, ident)
    node = ox.NamedNode(found.iri)
    names = {n.iri: n.pref_label for n in every}

    def ref(term: object) -> ConceptRef | None:
        if isinstance(term, ox.NamedNode) and term.value in names:
            return ConceptRef(term.value, names[term.value])
        return None

    labels = {kind: _literals(store, node, ox.NamedNode(prop)) for prop, kind in _LABEL_KINDS.items()}
    acronyms = labels["acronym"]
    labels["altLabel"] = {
        lang: kept for lang, values in labels["altLabel"].items()
        if (kept := tuple(v for v in values if v not in acronyms.get(lang, ())))
    }
    associative = _subproperties_of_related(store)
    links: dict[str, set[ConceptRef]] = defaultdict(set)
    facts: dict[str, set[str]] = defaultdict(set)
    notes: dict[str, set[str]] = defaultdict(set)
    broader: set[ConceptRef] = set()
    narrower: set[ConceptRef] = set()
    for q in store.quads_for_pattern(node, None, None, _DEFAULT):
        prop, target = q.predicate.value, ref(q.object)
        if prop == SKOS + "broader" and target:
            broader.add(target)
        elif prop == SKOS + "narrower" and target:
            narrower.add(target)
        elif prop in associative and target:
            links[prop].add(target)
        elif prop in _NOTE_PROPERTIES:
            notes[compact_iri(prop) or prop].add(_value(q.object))
        elif prop.startswith(CX) and prop not in _LABEL_KINDS and prop not in _HIERARCHY:
            facts[compact_iri(prop) or prop].add(_value(q.object))
    # A link entailed up from a more specific relation is listed once, under the specific one.
    explained: dict[str, set[ConceptRef]] = defaultdict(set)
    for prop, targets in links.items():
        for sup in _supers(store, prop):
            explained[sup] |= targets
    note_sets = {prop: values for prop, values in notes.items()}
    for prop in list(note_sets):
        for sup in _supers(store, _expand(prop)):
            short = compact_iri(sup) or sup
            if short in note_sets:
                note_sets[short] = note_sets[short] - notes[prop]
    related = {
        compact_iri(prop) or prop: tuple(sorted(remaining, key=lambda r: (r.label.casefold(), r.iri)))
        for prop, targets in sorted(links.items())
        if (remaining := targets - explained.get(prop, set()))
    }
    sources = sorted({_value(q.object) for q in store.quads_for_pattern(node, ox.NamedNode(DCT + "source"), None,
                                                                          _DEFAULT)})
    return ConceptRecord(
        iri=found.iri,
        slug=found.slug,
        labels={kind: values for kind, values in labels.items() if values},
        definitions=_literals(store, node, ox.NamedNode(SKOS + "definition")),
        broader=_sorted_refs(broader),
        narrower=_sorted_refs(narrower),
        related=related,
        facts={k: tuple(sorted(v)) for k, v in sorted(facts.items())},
        notes={k: tuple(sorted(v)) for k, v in sorted(note_sets.items()) if v},
        sources=tuple(sources),
        deprecated=found.iri in deprecated_concepts(store),
    )


def _expand(name: str) -> str:
    prefix, _, local = name.partition(":")
    return PREFIXES[prefix] + local if prefix in PREFIXES else name


def _sorted_refs(refs: set[ConceptRef]) -> tuple[ConceptRef, ...]:
    return tuple(sorted(refs, key=lambda r: (r.label.casefold(), r.iri)))


def vocabulary_version(ontology_dir: str | Path | None = None) -> str:
    """The ``owl:versionInfo`` of the vocabulary's concept scheme (empty when it has none)."""
    from .vocab import load_vocabulary

    store = load_vocabulary(_path(ontology_dir)).store
    rows = store.query(
        "SELECT ?v WHERE { ?s a skos:ConceptScheme ; owl:versionInfo ?v } ORDER BY ?s LIMIT 1", prefixes=PREFIXES
    )
    assert isinstance(rows, ox.QuerySolutions)
    for row in rows:
        value = row["v"]
        return value.value if isinstance(value, ox.Literal) else ""
    return ""

