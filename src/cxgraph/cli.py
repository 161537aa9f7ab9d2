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

from .errors import CxgraphError, UsageError

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


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="cxgraph", prog_name="cxgraph")
def main() -> None:
    """cxgraph: the open SKOS vocabulary of customer-service and customer-experience language.

    Build the exports, check the vocabulary, run SPARQL, explore it as a graph, serve it.
    Run 'cxgraph COMMAND --help' for the options of each command.

    \b
    Exit codes:
      0  success
      1  the vocabulary fails its checks or cannot be read
      2  usage error, malformed query or unreadable input
    """


@main.command(epilog=EXIT_CODES_HELP)
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
@click.option("-q", "--quiet", is_flag=True, help="Print only errors and the final summary.")
def build(ontology_dir: Path | None, out_dir: Path, no_view: bool, quiet: bool) -> None:
    """Check the vocabulary, infer its SKOS entailments and write every export.

    Writes cxgraph.ttl, cxgraph.jsonld (+ context.jsonld), cxgraph.nt, cxgraph.rdf,
    cxgraph.csv and the HTML graph view cxgraph.html into --out. Nothing is written when
    the vocabulary fails its checks; each file is replaced atomically.
    """
    from .checks import run_checks
    from .export import render_exports, write_exports
    from .pipeline import complete
    from .vocab import load_vocabulary

    progress = Progress(quiet)
    try:
        vocabulary = load_vocabulary(ontology_dir)
        progress.say(f"loaded {len(vocabulary):,} triples from {len(vocabulary.files)} files")
        graph = complete(vocabulary)
        progress.say(f"inferred {len(graph.entailed):,} SKOS triples")
        report = run_checks(graph.store)
        progress.say(f"ran {len(report.checks)} checks")
        if not report.ok or report.warnings:
            click.echo(report.render(), err=True, nl=False)
        if not report.ok:
            click.echo("error: the vocabulary fails its checks; no exports were written", err=True)
            sys.exit(1)
        triples = graph.triples()
        rendered = render_exports(triples, progress=lambda name: progress.say(f"rendering {name}"))
        if not no_view:
            from .view import render_view

            progress.say("rendering cxgraph.html")
            rendered["cxgraph.html"] = render_view(graph.store)
        written = write_exports(rendered, out_dir)
    except CxgraphError as error:
        _fail(error)
    progress.say(f"wrote {len(written)} files")
    click.echo(f"Built {len(triples):,} triples into {out_dir.resolve()}/")
    for path in written:
        click.echo(f"  {path.name:<16} {path.stat().st_size:>10,} bytes")
    if not no_view:
        click.echo(f"Open the graph view: {(out_dir / 'cxgraph.html').resolve().as_uri()}")


@main.command(epilog=EXIT_CODES_HELP)
@ontology_option
@click.option("--quiet", "-q", is_flag=True, help="Print only the summary line.")
def check(ontology_dir: Path | None, quiet: bool) -> None:
    """Run the SKOS integrity and quality checks and print a report.

    Checks are SPARQL queries in queries/checks/; each row one returns is a violation.
    Exits 1 when any check of severity 'error' finds something.
    """
    from .checks import run_checks
    from .pipeline import complete
    from .vocab import load_vocabulary

    try:
        graph = complete(load_vocabulary(ontology_dir))
        report = run_checks(graph.store)
    except CxgraphError as error:
        _fail(error)
    text = report.render()
    click.echo(text.splitlines()[-1] if quiet else text.rstrip("\n"))
    sys.exit(0 if report.ok else 1)


@main.command(epilog=EXIT_CODES_HELP)
@click.argument("query", required=False)
@click.option("--sparql", "sparql_text", metavar="TEXT", help="Run this SPARQL text instead of a named query or file.")
@click.option("--list", "list_queries", is_flag=True, help="List the named queries with their descriptions.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "tsv", "json", "xml", "turtle", "ntriples", "jsonld", "rdfxml"]),
    default=None,
    help="Output format. SELECT/ASK: table (default), csv, tsv, json (SPARQL 1.1 results JSON), xml. "
    "CONSTRUCT/DESCRIBE: turtle (default), ntriples, jsonld, rdfxml.",
)
@ontology_option
def query(query: str | None, sparql_text: str | None, list_queries: bool, fmt: str | None, ontology_dir: Path | None) -> None:
    """Run a named query, a .rq file, or SPARQL text against the built vocabulary.

    QUERY is the name of a query in queries/ (see --list) or a path to a .rq file.
    The prefixes cx:, cxg:, src:, skos:, dct:, owl:, rdf:, rdfs:, xsd: and foaf: are predeclared.

    \b
    Examples:
      cxgraph query --list
      cxgraph query nps-categories
      cxgraph query --sparql 'SELECT ?c WHERE { ?c skos:altLabel "CSAT"@en }' --format json
    """
    from .query import format_result, list_named_queries, resolve_query, run_query

    try:
        if list_queries:
            named = list_named_queries()
            width = max((len(q.name) for q in named), default=0)
            for q in named:
                click.echo(f"{q.name:<{width}}  {q.description or q.title}")
            return
        if (query is None) == (sparql_text is None):
            raise UsageError("give a query name or .rq file, or --sparql TEXT (one of them); see 'cxgraph query --help'")
        if sparql_text is not None:
            text, source = sparql_text, "--sparql"
        else:
            assert query is not None
            named_query = resolve_query(query)
            text, source = named_query.text, str(named_query.path)
        store = _query_store(ontology_dir)
        result = run_query(store, text, source=source)
        data = format_result(result, fmt)
    except CxgraphError as error:
        _fail(error)
    sys.stdout.buffer.write(data)
    sys.stdout.flush()


def _query_store(ontology_dir: Path | None) -> Any:
    from .pipeline import complete_store

    return complete_store(ontology_dir)


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
    else:
        code = returned if isinstance(returned, int) else 0
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
