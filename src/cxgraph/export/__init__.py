"""Writing the built vocabulary to every export format.

Every export is rendered from one :class:`Snapshot` of the complete graph (canonical sorted
N-Triples) and handed to a sink as soon as it is ready; the build stages each one in a hidden
temporary file and renames them all into place only when every file and every check is done
(:class:`cxgraph.atomic.StagedFiles`), so a failure never leaves a half-written or mixed set.
"""

from __future__ import annotations

from collections.abc import Callable

from ..languages import declared_languages
from .jsonld import JsonLdWriter
from .ntriples import collector_paused
from .rdf import to_ntriples, to_rdfxml, to_turtle
from .snapshot import Snapshot, take_snapshot
from .spreadsheet import CsvWriter
from .void import to_void

__all__ = ["EXPORT_FILES", "Snapshot", "render_exports", "take_snapshot"]

#: File name → what it holds, in the order the build writes and reports them.
EXPORT_FILES: dict[str, str] = {
    "cxgraph.ttl": "Turtle",
    "cxgraph.jsonld": "JSON-LD (compact, context embedded)",
    "context.jsonld": "JSON-LD context on its own",
    "cxgraph.nt": "N-Triples",
    "cxgraph.rdf": "RDF/XML",
    "cxgraph.csv": "CSV, one row per concept",
    "void.ttl": "VoID/DCAT description of the dataset and its files",
}


def render_exports(
    snapshot: Snapshot,
    sink: Callable[[str, bytes], None],
    progress: Callable[[str], None] | None = None,
    extra_files: tuple[str, ...] = (),
    base_url: str | None = None,
) -> None:
    """Render every RDF and table export of the snapshot, handing each file to ``sink``.

    Files are handed over as soon as they are rendered, so at most one is held in memory.
    ``extra_files`` names other files written beside them (the HTML view), for ``void.ttl``;
    ``base_url`` is where the files are published (default: the concept scheme's namespace).
    """

    def step(name: str) -> None:
        if progress is not None:
            progress(name)

    step("cxgraph.ttl")
    sink("cxgraph.ttl", to_turtle(snapshot))
    step("cxgraph.jsonld and cxgraph.csv")
    # One pass over the subjects feeds both writers; the JSON-LD writer keeps every subject's
    # description until the end, which the paused cycle collector need not keep re-examining.
    with collector_paused():
        jsonld_writer, csv_writer = JsonLdWriter(), CsvWriter(declared_languages(snapshot.store))
        for subject, description in snapshot.descriptions():
            jsonld_writer.add(subject, description)
            csv_writer.add(subject, description)
        jsonld = jsonld_writer.finish()
        del jsonld_writer
    sink("cxgraph.jsonld", jsonld.document)
    sink("context.jsonld", jsonld.context)
    del jsonld
    sink("cxgraph.csv", csv_writer.finish())
    del csv_writer
    step("cxgraph.nt")
    sink("cxgraph.nt", to_ntriples(snapshot))
    step("cxgraph.rdf")
    sink("cxgraph.rdf", to_rdfxml(snapshot))
    sink("void.ttl", to_void(snapshot, [*EXPORT_FILES, *extra_files], base_url))
