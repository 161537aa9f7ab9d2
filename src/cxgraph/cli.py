"""The ``cxgraph`` command line.

Exit codes, shared by every command:

\b
  0  success
  1  the vocabulary (or an input) fails its checks, or cannot be read
  2  usage or runtime error: bad option, malformed query, unreadable file
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from .errors import ChecksFailed, CxgraphError, UsageError

F = TypeVar("F", bound=Callable[..., Any])

EXIT_CODES_HELP = """
\b
Exit codes:
  0  success
  1  the vocabulary fails its checks or cannot be read
  2  usage error, malformed query or unreadable input
"""


def ontology_option(func: F) -> F:
    """``--ontology DIR``, shared by every command that reads the vocabulary."""
    return click.option(
        "--ontology",
        "ontology_dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        help="Folder of Turtle files to build from (default: the vocabulary shipped with cxgraph).",
    )(func)


class Progress:
    """Step-by-step progress on standard error, with the time each step took."""

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet
        self.started = time.perf_counter()
        self.last = self.started

    def say(self, message: str) -> None:
        if not self.quiet:
            now = time.perf_counter()
            click.echo(f"[{now - self.started:6.2f}s] {message}", err=True)
            self.last = now


def _fail(error: CxgraphError) -> None:
    click.echo(f"error: {error.message}", err=True)
    sys.exit(error.exit_code)


def _print_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if not value or ctx.resilient_parsing:
        return
    from . import __version__
    from .api import vocabulary_version

    try:
        vocabulary = vocabulary_version() or "unversioned"
    except (CxgraphError, FileNotFoundError) as error:
        vocabulary = f"unreadable: {getattr(error, 'message', error)}"
    click.echo(f"cxgraph {__version__} (vocabulary {vocabulary})")
    ctx.exit()


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option("--version", is_flag=True, expose_value=False, is_eager=True, callback=_print_version,
              help="Show cxgraph's version and the version of the vocabulary it ships, and exit.")
@click.option("--no-cache", is_flag=True,
              help="Rebuild the complete graph in memory instead of reusing the on-disk cache "
              "(see 'cxgraph cache --help'). Same as CXGRAPH_NO_CACHE=1.")
def main(no_cache: bool) -> None:
    """cxgraph: the open SKOS vocabulary of customer-service and customer-experience language.

    Build the exports, check the vocabulary, run SPARQL, explore it as a graph, serve it.
    Run 'cxgraph COMMAND --help' for the options of each command.

    \b
    Shell completion (bash, zsh or fish), e.g. in ~/.bashrc:
      eval "$(_CXGRAPH_COMPLETE=bash_source cxgraph)"

    \b
    Exit codes:
      0  success
      1  the vocabulary fails its checks or cannot be read
      2  usage error, malformed query or unreadable input
    """
    if no_cache:
        from .cache import NO_CACHE_ENV

        os.environ[NO_CACHE_ENV] = "1"


@main.command(short_help="Check, infer and write every export.", epilog=EXIT_CODES_HELP)
@ontology_option
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("exports"),
    show_default=True,
    help="Folder to write the exports into (created if missing).",
)
@click.option("--no-view", is_flag=True, help="Skip the HTML graph view (faster on very large vocabularies).")
@click.option("--base-url", metavar="URL", default=None,
              help="Where the exports are published, for the file IRIs in void.ttl "
              "(default: the concept scheme's namespace, https://w3id.org/cxgraph/).")
@click.option("-q", "--quiet", is_flag=True, help="Print only errors and the final summary.")
def build(ontology_dir: Path | None, out_dir: Path, no_view: bool, base_url: str | None, quiet: bool) -> None:
    """Check the vocabulary, infer its SKOS entailments and write every export.

    Writes cxgraph.ttl, cxgraph.jsonld (+ context.jsonld), cxgraph.nt, cxgraph.rdf,
    cxgraph.csv, void.ttl and the HTML graph view cxgraph.html into --out. Nothing is
    written when the vocabulary fails its checks. The new files are written into a hidden
    folder beside --out and, once every file and every check is done, swapped in as a whole,
    so the folder always holds either the complete old set or the complete new one. What an
    interrupted build left behind is cleaned up by the next one.
    """
    from .api import build as build_exports

    progress = Progress(quiet)
    try:
        result = build_exports(out_dir, ontology_dir, view=not no_view, progress=progress.say, base_url=base_url)
    except ChecksFailed as failed:
        click.echo(failed.report.render(), err=True, nl=False)
        _fail(failed)
    except CxgraphError as error:
        _fail(error)
    if result.report.warnings:
        click.echo(result.report.render(), err=True, nl=False)
    click.echo(f"Built {result.triples:,} triples into {out_dir.resolve()}/")
    for path in result.files:
        click.echo(f"  {path.name:<16} {path.stat().st_size:>10,} bytes")
    if result.view is not None:
        click.echo(f"Open the graph view: {result.view.resolve().as_uri()}")


@main.command(short_help="Run the integrity and quality checks.", epilog=EXIT_CODES_HELP)
@ontology_option
@click.option("--quiet", "-q", is_flag=True, help="Print only the summary line.")
def check(ontology_dir: Path | None, quiet: bool) -> None:
    """Run the SKOS integrity and quality checks and print a report.

    Checks are SPARQL queries in queries/checks/; each row one returns is a violation.
    Exits 1 when any check of severity 'error' finds something.
    """
    from .api import check as run_all_checks

    try:
        report = run_all_checks(ontology_dir)
    except CxgraphError as error:
        _fail(error)
    text = report.render()
    click.echo(text.splitlines()[-1] if quiet else text.rstrip("\n"))
    sys.exit(0 if report.ok else 1)


@main.command(short_help="Run a named query, a .rq file or SPARQL text.", epilog=EXIT_CODES_HELP)
@click.argument("query", required=False)
@click.option("--sparql", "sparql_text", metavar="TEXT", help="Run this SPARQL text instead of a named query or file.")
@click.option(
    "--param",
    "params",
    multiple=True,
    metavar="NAME=VALUE",
    help="Set a parameter of the query (its VALUES ?NAME clause), e.g. --param term=CSAT; repeatable.",
)
@click.option("--list", "list_queries", is_flag=True, help="List the named queries with their descriptions.")
@click.option(
    "--lang",
    "language",
    metavar="TAG",
    help="Answer in this language (en, es, fr, de, pt-BR): sets a named query's ?lang and keeps, of rows "
    "that differ only in their text's language, those in TAG (English where TAG has none). "
    "Without it, named queries answer in English and SPARQL text in every language.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "tsv", "json", "xml", "turtle", "ntriples", "jsonld", "rdfxml"]),
    default=None,
    help="Output format. SELECT/ASK: table (default), csv, tsv, json (SPARQL 1.1 results JSON), xml. "
    "CONSTRUCT/DESCRIBE: turtle (default), ntriples, jsonld, rdfxml.",
)
@ontology_option
def query(
    query: str | None,
    sparql_text: str | None,
    params: tuple[str, ...],
    list_queries: bool,
    language: str | None,
    fmt: str | None,
    ontology_dir: Path | None,
) -> None:
    """Run a named query, a .rq file, or SPARQL text against the built vocabulary.

    QUERY is the name of a query in queries/ (see --list) or a path to a .rq file.
    The prefixes cx:, cxg:, src:, skos:, dct:, owl:, rdf:, rdfs:, xsd: and foaf: are predeclared.

    \b
    Examples:
      cxgraph query --list
      cxgraph query nps-categories
      cxgraph query synonyms-of-term --param term=CSAT
      cxgraph query queue-metrics --lang es
      cxgraph query --sparql 'SELECT ?c WHERE { ?c skos:altLabel "CSAT"@en }' --format json
    """
    from .query import bind_parameters, format_result, list_named_queries, resolve_query, run_query
    from .query_language import bind_language, narrow, resolve_language

    try:
        if list_queries:
            named = list_named_queries()
            width = max((len(q.name) for q in named), default=0)
            for q in named:
                click.echo(f"{q.name:<{width}}  {q.description or q.title}")
            return
        if (query is None) == (sparql_text is None):
            raise UsageError(
                "give a query name or .rq file, or --sparql TEXT (one of them); see 'cxgraph query --help'"
            )
        if sparql_text is not None:
            text, source = sparql_text, "--sparql"
        else:
            assert query is not None
            named_query = resolve_query(query)
            text, source = named_query.text, str(named_query.path)
        if params:
            pairs = [p.partition("=") for p in params]
            bad = [p for p, (name, eq, _) in zip(params, pairs, strict=True) if not eq or not name.strip()]
            if bad:
                raise UsageError(f"--param {bad[0]!r}: write it as NAME=VALUE, e.g. --param term=CSAT")
            text = bind_parameters(text, {n.strip().lstrip("?"): v for n, _, v in pairs}, source)
        store = _query_store(ontology_dir)
        tag = resolve_language(store, language) if language else None
        if tag and not any(p.partition("=")[0].strip().lstrip("?") == "lang" for p in params):
            text = bind_language(text, tag)
        result = run_query(store, text, source=source)
        data = format_result(narrow(result, tag) if tag else result, fmt)
    except CxgraphError as error:
        _fail(error)
    sys.stdout.buffer.write(data)
    sys.stdout.flush()


def _query_store(ontology_dir: Path | None) -> Any:
    from .pipeline import complete_store

    return complete_store(ontology_dir)


@main.command(short_help="Serve a read-only SPARQL 1.1 endpoint.", epilog=EXIT_CODES_HELP)
@ontology_option
@click.option("--graph", "graph_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Serve this export file as it is (.ttl, .nt, .jsonld …) instead of building the vocabulary.")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. Use 0.0.0.0 only behind a firewall or proxy you trust.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port (0 picks a free one).")
@click.option("--time-limit", type=click.FloatRange(min=0.1), default=10.0, show_default=True,
              help="Seconds one query may run before it is stopped (HTTP 503).")
@click.option("--max-result-bytes", type=click.IntRange(min=1024), default=32 * 1024 * 1024, show_default=True,
              help="Largest serialised result one query may return (HTTP 422 beyond it).")
@click.option("--max-query-memory", "max_query_memory_mib", type=click.IntRange(min=16), default=1024,
              show_default=True, metavar="MIB",
              help="Memory in MiB one query may take; past it the query gets 503 and its worker is "
                   "replaced.")
@click.option("--workers", type=click.IntRange(1, 64), default=None,
              help="Worker processes answering HTTP and queries  [default: one per CPU, at least 2].")
@click.option("--cors-origin", "cors_origins", multiple=True, metavar="ORIGIN",
              help="Allow browser pages from ORIGIN (repeatable; '*' for any). CORS is off by default.")
@click.option("--access-log", is_flag=True, help="Log every request on standard error.")
@click.option("-q", "--quiet", is_flag=True, help="Print only errors and the endpoint's address.")
def serve(ontology_dir: Path | None, graph_file: Path | None, host: str, port: int, time_limit: float,
          max_result_bytes: int, max_query_memory_mib: int, workers: int | None, cors_origins: tuple[str, ...],
          access_log: bool, quiet: bool) -> None:
    """Serve the vocabulary as a read-only SPARQL 1.1 endpoint at http://HOST:PORT/sparql.

    Queries by GET, POST form or POST application/sparql-query; results in SPARQL JSON, XML,
    CSV or TSV, graphs in Turtle, N-Triples or JSON-LD (by Accept header, or ?format=).
    SPARQL Update and SERVICE are refused. A query page is at http://HOST:PORT/.

    \b
    Example:
      cxgraph serve --port 8000
      curl -H 'Accept: text/csv' --data-urlencode 'query=SELECT * WHERE { ?s skos:prefLabel ?l } LIMIT 5' \\
           http://127.0.0.1:8000/sparql
    """
    from .server.app import ServerConfig, default_workers, make_server
    from .server.source import served_store

    workers = workers or default_workers()
    progress = Progress(quiet)
    try:
        store = served_store(ontology_dir, graph_file)
        named = _named_queries_for_page()
    except CxgraphError as error:
        _fail(error)
    progress.say(f"loaded {len(store):,} triples; starting {workers} query worker(s)")
    config = ServerConfig(host=host, port=port, time_limit=time_limit, max_result_bytes=max_result_bytes,
                          workers=workers, cors_origins=cors_origins, access_log=access_log, named_queries=named,
                          max_query_memory=max_query_memory_mib * 1024 * 1024)
    try:
        server = make_server(store, config)
    except OSError as exc:
        _fail(UsageError(f"cannot listen on {host}:{port}: {exc.strerror or exc}"))
    if host not in ("127.0.0.1", "localhost", "::1"):
        click.echo(f"warning: listening on {host}: the endpoint is reachable from other machines", err=True)
    click.echo(f"SPARQL endpoint: {server.url}   query page: {server.url.removesuffix('sparql')}", err=True)
    click.echo("Press Ctrl+C to stop.", err=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


def _named_queries_for_page() -> tuple[dict[str, str], ...]:
    from .query import list_named_queries

    try:
        named = list_named_queries()
    except (CxgraphError, FileNotFoundError):
        return ()
    return tuple({"name": q.name, "title": q.title, "description": q.description, "text": q.text} for q in named)


@main.command(short_help="Publish to a SPARQL 1.1 Graph Store.", epilog=EXIT_CODES_HELP)
@click.argument("url")
@ontology_option
@click.option("--graph", "graph_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Push this export file as it is instead of building the vocabulary.")
@click.option("--graph-iri", default=None, metavar="IRI",
              help="Named graph to replace (default: https://w3id.org/cxgraph/vocabulary).")
@click.option("--default-graph", is_flag=True, help="Replace the store's default graph instead of a named graph.")
@click.option("--format", "fmt", type=click.Choice(["turtle", "ntriples"]), default="turtle", show_default=True,
              help="RDF format of the upload.")
@click.option("--user", envvar="CXGRAPH_PUSH_USER", default=None,
              help="User for basic/digest auth [env: CXGRAPH_PUSH_USER].")
@click.option("--password", envvar="CXGRAPH_PUSH_PASSWORD", default=None,
              help="Password [env: CXGRAPH_PUSH_PASSWORD; prefer the variable to keep it off the command line].")
@click.option("--digest", is_flag=True, help="Use HTTP digest authentication (Virtuoso) instead of basic.")
@click.option("--token", envvar="CXGRAPH_PUSH_TOKEN", default=None, help="Bearer token [env: CXGRAPH_PUSH_TOKEN].")
@click.option("--timeout", type=click.FloatRange(min=1), default=120.0, show_default=True,
              help="Seconds to wait for the store at each step: connecting, and each read or write.")
@click.option("--max-time", type=click.FloatRange(min=1), default=600.0, show_default=True,
              help="Seconds the whole push may take, upload and answer included.")
@click.option("-q", "--quiet", is_flag=True, help="Print only errors and the final line.")
def push(url: str, ontology_dir: Path | None, graph_file: Path | None, graph_iri: str | None, default_graph: bool,
         fmt: str, user: str | None, password: str | None, digest: bool, token: str | None, timeout: float,
         max_time: float, quiet: bool) -> None:
    """Publish the vocabulary to a triple store with the SPARQL 1.1 Graph Store Protocol.

    URL is the store's Graph Store endpoint; one HTTP PUT to URL?graph=IRI replaces that
    graph, so pushing again leaves one copy. A user and password may be written in the URL
    (http://USER:PASSWORD@HOST/...); messages never show the password. Redirects are reported
    with their target, not followed.

    \b
    Graph Store endpoints:
      Apache Jena Fuseki  http://HOST:3030/DATASET/data
      GraphDB             http://HOST:7200/repositories/REPOSITORY/rdf-graphs/service
      Oxigraph            http://HOST:7878/store
      Virtuoso            http://HOST:8890/sparql-graph-crud-auth   (with --digest)
    """
    from .server.push import DEFAULT_GRAPH_IRI, Credentials, push_graph, redact_url
    from .server.source import served_store

    if default_graph and graph_iri is not None:
        _fail(UsageError("give --graph-iri or --default-graph, not both"))
    target = None if default_graph else (graph_iri or DEFAULT_GRAPH_IRI)
    progress = Progress(quiet)
    try:
        import pyoxigraph as ox

        store = served_store(ontology_dir, graph_file)
        rdf_format = ox.RdfFormat.TURTLE if fmt == "turtle" else ox.RdfFormat.N_TRIPLES
        from .namespaces import PREFIXES

        data = ox.serialize((q.triple for q in store), format=rdf_format,
                            prefixes=PREFIXES if fmt == "turtle" else None) or b""
        progress.say(f"serialised {len(store):,} triples ({len(data):,} bytes of {rdf_format.name})")
        result = push_graph(url, data, rdf_format.media_type, target,
                            Credentials(user=user, password=password, token=token, digest=digest), timeout=timeout,
                            max_time=max_time)
    except CxgraphError as error:
        _fail(error)
    where = f"graph <{target}>" if target else "the default graph"
    click.echo(f"Pushed {len(store):,} triples into {where} at {redact_url(url)} (HTTP {result.status})")


@main.command("import", short_help="Map a team's glossary onto the vocabulary.", epilog=EXIT_CODES_HELP)
@click.argument("file", type=click.Path(dir_okay=True, path_type=Path))
@click.option("--source-title", metavar="TEXT", help="Title of the glossary (default: its own title or file name).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["auto", "text", "markdown", "csv"]),
    default="auto",
    show_default=True,
    help="How to read FILE; auto goes by the file name, then the content.",
)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array, one object per entry, not the report.")
@click.option("--out", "out_file", type=click.Path(dir_okay=False, path_type=Path), help="Write the Turtle patch here.")
@click.option("--apply", "apply_", is_flag=True, help="Merge the patch into ontology/imports/ if checks still pass.")
@click.option("--lang", "language", metavar="TAG",
              help="The glossary's language (en, es, fr, de, pt-BR); default: the one whose labels most terms meet.")
@click.option("--max-size", "max_size", metavar="SIZE", default="50M", show_default=True,
              help="Largest glossary file to read: bytes, or with K, M or G (e.g. 200M).")
@ontology_option
def import_(file: Path, source_title: str | None, fmt: str, as_json: bool, out_file: Path | None, apply_: bool,
            language: str | None, max_size: str, ontology_dir: Path | None) -> None:
    """Read a team's glossary and show, term by term, how it maps onto the vocabulary.

    Extracts (term, acronym, definition) entries from FILE (plain text, Markdown or CSV), matches
    each by label, acronym, normalised label or fuzzy similarity, and reports matched, new and
    ambiguous terms. --out writes a reviewable Turtle patch (the new source, dct:source and
    labels on matched concepts, new terms as cx:Candidate concepts). --apply writes that patch
    to ontology/imports/<source>.ttl, all or nothing, only if 'cxgraph check' still passes.
    Without --apply nothing in ontology/ changes. A glossary in Spanish, French, German or
    Brazilian Portuguese is matched through that language's labels (detected, or --lang); the
    report says which language it matched in.

    \b
    Examples:
      cxgraph import team-glossary.txt
      cxgraph import glosario.md --lang es
      cxgraph import glossary.csv --json
      cxgraph import glossary.md --source-title "Acme support glossary" --out acme.ttl
    """
    from .api import import_glossary

    try:
        result = import_glossary(file, ontology_dir, source_title=source_title, fmt=fmt, out_file=out_file,
                                 apply=apply_, max_size=max_size, language=language)
    except CxgraphError as error:
        _fail(error)
    click.echo(result.json() if as_json else result.report(), nl=False)
    for warning in result.patch.warnings:
        click.echo(f"warning: {warning}", err=True)
    if out_file is not None:
        click.echo(f"Wrote the patch to {out_file}", err=True)
    if result.applied is not None:
        count = len(result.patch.candidates)
        click.echo(f"Applied: wrote {result.applied.path} ({count} candidate{'' if count == 1 else 's'}); "
                   "'cxgraph check' passes", err=True)


@main.command(short_help="Write just the HTML graph view.", epilog=EXIT_CODES_HELP)
@ontology_option
@click.option(
    "--out",
    "out_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("exports/cxgraph.html"),
    show_default=True,
    help="The HTML file to write (its folder is created if missing).",
)
@click.option(
    "--concept",
    "concept",
    metavar="ID",
    default=None,
    help="Open the page on this concept: a slug (net-promoter-score), cxg:slug, an IRI or a label.",
)
@click.option("-q", "--quiet", is_flag=True, help="Print only errors and the final line.")
def view(ontology_dir: Path | None, out_file: Path, concept: str | None, quiet: bool) -> None:
    """Write the interactive HTML graph view of the vocabulary, and nothing else.

    One self-contained file that works from disk with no network: search by label, synonym or
    acronym, concept cards, filters by top concept and relation, hierarchy and network layouts,
    and links to single concepts (cxgraph.html#net-promoter-score). The view does not run the
    checks, so it also helps while the vocabulary is being edited; 'cxgraph build' does.
    """
    from .api import write_view

    progress = Progress(quiet)
    try:
        result = write_view(out_file, ontology_dir, concept=concept, progress=progress.say)
    except CxgraphError as error:
        _fail(error)
    click.echo(f"Open the graph view: {result.path.resolve().as_uri()}")


def _model(ontology_dir: Path | None) -> Any:
    from .pipeline import complete_store
    from .view.model import build_model

    return build_model(complete_store(ontology_dir))


@main.command(short_help="Describe the vocabulary's shape.", epilog=EXIT_CODES_HELP)
@ontology_option
@click.option("--json", "as_json", is_flag=True, help="Print the figures as one JSON object.")
@click.option("--top", type=click.IntRange(min=1), default=5, show_default=True,
              help="How many concepts to list as most linked and central (at least 1).")
def stats(ontology_dir: Path | None, as_json: bool, top: int) -> None:
    """Describe the vocabulary's shape: counts, links by relation, depth, connectivity, hubs.

    Most central concepts are those the most shortest paths between other concepts pass
    through (betweenness centrality, sampled on vocabularies of more than 300 concepts).
    """
    import json

    from .network import network_stats

    try:
        figures = network_stats(_model(ontology_dir), top=top)
    except CxgraphError as error:
        _fail(error)
    if as_json:
        click.echo(json.dumps(figures.as_dict(), indent=2, ensure_ascii=False))
        return
    click.echo(f"concepts                 {figures.concepts:,} ({figures.top_concepts} top concepts)")
    click.echo(f"deepest level            {figures.deepest} below a top concept")
    click.echo(f"several broader concepts {figures.polyhierarchy:,}")
    click.echo(f"largest fan-out          {figures.widest[1]:,} narrower ({figures.widest[0]})")
    click.echo(f"connected components     {figures.components} (largest: {figures.largest_component:,} concepts)")
    click.echo("links by relation")
    for relation, count in figures.links.items():
        click.echo(f"  {relation:<22} {count:,}")
    click.echo("most linked      " + "; ".join(f"{c} ({n})" for c, n in figures.hubs))
    click.echo("most central     " + "; ".join(c for c, _ in figures.central))


@main.command(short_help="Show the shortest chain of links between two concepts.", epilog=EXIT_CODES_HELP)
@click.argument("start")
@click.argument("end")
@ontology_option
def path(start: str, end: str, ontology_dir: Path | None) -> None:
    """Show the shortest chain of links between two concepts.

    START and END are slugs (net-promoter-score), cxg:slugs, IRIs, labels or acronyms.
    Each step names its relation; '<-' marks a link followed against its direction, and a
    symmetric relation (related, contrasts with) is drawn without an arrow.

    \b
    Example:
      cxgraph path CSAT "Tier 2 Support"
    """
    import networkx as nx

    from .network import shortest_path
    from .view.page import find_concept

    try:
        model = _model(ontology_dir)
        a, b = find_concept(model, start), find_concept(model, end)
        try:
            steps = shortest_path(model, a, b)
        except nx.NetworkXNoPath:
            raise UsageError(f"no chain of links connects {start!r} and {end!r}") from None
    except CxgraphError as error:
        _fail(error)
    if not steps:
        click.echo(f"{start} is {end}")
        return
    click.echo(steps[0].source)
    for step in steps:
        if not step.directed:
            arrow = f"--{step.relation}--"
        else:
            arrow = f"--{step.relation}-->" if step.forward else f"<--{step.relation}--"
        click.echo(f"  {arrow} {step.target}")
    click.echo(f"({len(steps)} link{'s' if len(steps) != 1 else ''})")


# `cxgraph site` and `cxgraph glossary` live with the publishing code.
from .publish.commands import COMMANDS as _PUBLISH_COMMANDS  # noqa: E402

for _command in _PUBLISH_COMMANDS:
    main.add_command(_command)


@main.group(short_help="Show or clear the cache of complete graphs.", epilog=EXIT_CODES_HELP)
def cache() -> None:
    """The on-disk cache of complete graphs that query, view, stats, path and serve reuse.

    The first run on a set of ontology files builds the complete graph (asserted plus entailed
    triples) and keeps it as an Oxigraph store in the cache folder: $CXGRAPH_CACHE_DIR, else
    $XDG_CACHE_HOME/cxgraph, else ~/.cache/cxgraph. Any change to any file gives a new entry;
    the oldest unused entries are removed. 'cxgraph --no-cache COMMAND' skips the cache.
    """


@cache.command("list", short_help="List the cached graphs.", epilog=EXIT_CODES_HELP)
def cache_list() -> None:
    """List the cached complete graphs, most recently used first."""
    from .cache import cache_dir, list_entries

    entries = list_entries()
    click.echo(f"cache folder: {cache_dir()}")
    for entry in entries:
        used = time.strftime("%Y-%m-%d %H:%M", time.localtime(entry.last_used))
        click.echo(f"  {entry.key[:12]}  {entry.triples:>10,} triples  {entry.bytes / 2**20:7.1f} MiB  "
                   f"used {used}  {entry.source}")
    click.echo(f"({len(entries)} entr{'y' if len(entries) == 1 else 'ies'})")


@cache.command("clear", short_help="Remove every cached graph.", epilog=EXIT_CODES_HELP)
def cache_clear() -> None:
    """Remove every cached complete graph; the next run rebuilds what it needs."""
    from .cache import cache_dir, clear_cache

    try:
        count = clear_cache()
    except OSError as exc:
        _fail(UsageError(f"{cache_dir()}: cannot clear the cache: {exc.strerror or exc}"))
    click.echo(f"removed {count} cached graph{'' if count == 1 else 's'} from {cache_dir()}")


def run() -> None:
    """Entry point: run the CLI, then leave without tearing down large graphs."""
    try:
        returned = main.main(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        code = 130
    except click.ClickException as exc:
        exc.show()
        code = exc.exit_code
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except CxgraphError as error:
        click.echo(f"error: {error.message}", err=True)
        code = error.exit_code
    except Exception as exc:
        if os.environ.get("CXGRAPH_DEBUG"):
            raise
        click.echo(f"error: unexpected {type(exc).__name__}: {exc} (set CXGRAPH_DEBUG=1 for details)", err=True)
        code = 2
    else:
        code = returned if isinstance(returned, int) else 0
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
