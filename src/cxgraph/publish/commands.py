"""The ``cxgraph site`` and ``cxgraph glossary`` commands (registered on the main CLI group)."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

import click

from ..errors import CxgraphError

__all__ = ["COMMANDS"]

_EXIT_CODES = """
\b
Exit codes:
  0  success
  1  the vocabulary cannot be read
  2  usage error or unwritable output
"""

_ontology = click.option(
    "--ontology",
    "ontology_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder of Turtle files to build from (default: the vocabulary shipped with cxgraph).",
)


def _progress(quiet: bool) -> Callable[[str], None]:
    started = time.perf_counter()

    def say(message: str) -> None:
        if not quiet:
            click.echo(f"[{time.perf_counter() - started:6.2f}s] {message}", err=True)

    return say


def _fail(error: CxgraphError) -> None:
    click.echo(f"error: {error.message}", err=True)
    sys.exit(error.exit_code)


@click.command("site", short_help="Write a static vocabulary site.", epilog=_EXIT_CODES)
@_ontology
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="The folder to write the site into (created if missing; files in it are replaced).",
)
@click.option(
    "--base-url",
    metavar="URL",
    default=None,
    help="Where the site is published; concept IRIs redirect there "
    "(default: the vocabulary namespace, https://w3id.org/cxgraph/).",
)
@click.option("-q", "--quiet", is_flag=True, help="Print only errors and the final line.")
def site_command(ontology_dir: Path | None, out_dir: Path, base_url: str | None, quiet: bool) -> None:
    """Write a static vocabulary site: a home page, a page per concept and collection (with the
    concept's Turtle, JSON-LD, RDF/XML and N-Triples beside it), an A-Z index, a hierarchy, an
    offline search, the full downloads, and the Apache and nginx rules that make every concept
    IRI answer HTML to browsers and RDF to RDF clients.
    """
    from ..pipeline import complete_store
    from .site import build_site

    say = _progress(quiet)
    try:
        say("loading the vocabulary")
        store = complete_store(ontology_dir)
        written = build_site(store, out_dir, base_url, progress=say)
    except CxgraphError as error:
        _fail(error)
    except OSError as error:
        click.echo(f"error: cannot write the site into {out_dir}: {error.strerror or error}", err=True)
        sys.exit(2)
    pages = sum(1 for name in written if name.endswith(".html"))
    click.echo(
        f"Wrote {len(written)} files ({pages} pages) into {out_dir}; open {(out_dir / 'index.html').resolve().as_uri()}"
    )


@click.command("glossary", short_help="Write a printable glossary (HTML, PDF or Markdown).", epilog=_EXIT_CODES)
@_ontology
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["html", "pdf", "md"]),
    default="html",
    show_default=True,
    help="html: one printable page; pdf: printed by headless Chromium; md: Markdown.",
)
@click.option(
    "--out", "out_file", type=click.Path(dir_okay=False, path_type=Path), required=True, help="The file to write."
)
@click.option(
    "--lang", default="en", show_default=True, help="Language of the terms (labels in other languages are left out)."
)
@click.option("-q", "--quiet", is_flag=True, help="Print only errors and the final line.")
def glossary_command(ontology_dir: Path | None, fmt: str, out_file: Path, lang: str, quiet: bool) -> None:
    """Write a printable glossary: a title page with version and licence, alphabetical entries
    (term, acronyms, synonyms, definition, facts, see also) with a "see" entry for every
    alternative label, a hierarchical listing and a permuted (KWIC) index.
    """
    from ..atomic import write_bytes_atomic
    from ..pipeline import complete_store
    from .glossary import render_glossary, write_pdf

    say = _progress(quiet)
    try:
        say("loading the vocabulary")
        store = complete_store(ontology_dir)
        text = render_glossary(store, "md" if fmt == "md" else "html", lang)
        if fmt == "pdf":
            say("printing the PDF with Chromium")
            write_pdf(text, out_file)
        else:
            write_bytes_atomic(out_file, text.encode("utf-8"))
    except CxgraphError as error:
        _fail(error)
    except OSError as error:
        click.echo(f"error: cannot write {out_file}: {error.strerror or error}", err=True)
        sys.exit(2)
    click.echo(f"Wrote the glossary to {out_file}")


#: The commands this package adds to ``cxgraph``.
COMMANDS: list[click.Command] = [site_command, glossary_command]
