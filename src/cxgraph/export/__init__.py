"""Writing the built vocabulary to every export format.

Every export is rendered from one :class:`Snapshot` of the complete graph (canonical sorted
N-Triples). All files are rendered in memory first and then moved into place one by one with
an atomic rename, so a failure never leaves a half-written or mixed set of exports behind.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..atomic import write_bytes_atomic
from .jsonld import JsonLdWriter
from .rdf import to_ntriples, to_rdfxml, to_turtle
from .snapshot import Snapshot, take_snapshot
from .spreadsheet import CsvWriter
from .void import to_void

__all__ = ["EXPORT_FILES", "Snapshot", "render_exports", "take_snapshot", "write_exports"]

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
    progress: Callable[[str], None] | None = None,
    extra_files: tuple[str, ...] = (),
) -> dict[str, bytes]:
    """Every RDF and table export of the snapshot, as bytes by file name.

    ``extra_files`` names other files written beside them (the HTML view), for ``void.ttl``.
    """

    def step(name: str) -> None:
        if progress is not None:
            progress(name)

    rendered: dict[str, bytes] = {}
    step("cxgraph.ttl")
    rendered["cxgraph.ttl"] = to_turtle(snapshot)
    step("cxgraph.jsonld and cxgraph.csv")
    # One pass over the subjects feeds both writers.
    jsonld_writer, csv_writer = JsonLdWriter(snapshot), CsvWriter()
    for subject, pairs in snapshot.subjects():
        jsonld_writer.add(subject, pairs)
        csv_writer.add(subject, pairs)
    jsonld = jsonld_writer.finish()
    rendered["cxgraph.jsonld"] = jsonld.document
    rendered["context.jsonld"] = jsonld.context
    step("cxgraph.nt")
    rendered["cxgraph.nt"] = to_ntriples(snapshot)
    step("cxgraph.rdf")
    rendered["cxgraph.rdf"] = to_rdfxml(snapshot)
    rendered["cxgraph.csv"] = csv_writer.finish()
    rendered["void.ttl"] = to_void(snapshot, [*rendered, *extra_files])
    return {name: rendered[name] for name in EXPORT_FILES}


def write_exports(rendered: dict[str, bytes], out_dir: Path) -> list[Path]:
    """Move rendered files into ``out_dir`` atomically; returns the paths written."""
    written = []
    for name, data in rendered.items():
        path = out_dir / name
        write_bytes_atomic(path, data)
        written.append(path)
    return written
