"""Writing the built vocabulary to every export format.

Every export is rendered from one :class:`Snapshot` of the complete graph (canonical sorted
N-Triples) and handed to a sink as soon as it is ready; the build stages each one in a hidden
temporary file and renames them all into place only when every file and every check is done
(:class:`cxgraph.atomic.StagedFiles`), so a failure never leaves a half-written or mixed set.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..atomic import write_bytes_atomic
from ..languages import declared_languages
from .jsonld import JsonLdWriter
from .ntriples import collector_paused
from .rdf import to_ntriples, to_rdfxml, to_turtle
from .side import SideRendering
from .snapshot import Snapshot, take_snapshot
from .spreadsheet import CsvWriter
from .void import to_void

__all__ = ["EXPORT_FILES", "ExportRendering", "Snapshot", "render_exports", "take_snapshot"]

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
    rendering = ExportRendering(snapshot, sink, progress, extra_files, base_url)
    rendering.start()
    rendering.finish()


class ExportRendering:
    """The exports of one snapshot, rendered in two steps so other work can run between them.

    :meth:`start` writes the N-Triples file; given ``reserve`` (where a file of a name is to
    be written, as :meth:`cxgraph.atomic.StagedFiles.reserve` gives it), it also starts a
    second process rendering Turtle and RDF/XML from that file (:mod:`cxgraph.export.side`),
    which runs while the caller does other work and :meth:`finish` renders JSON-LD and CSV.
    Without ``reserve`` every file is rendered here, in :meth:`finish`.
    """

    def __init__(
        self,
        snapshot: Snapshot,
        sink: Callable[[str, bytes], None],
        progress: Callable[[str], None] | None = None,
        extra_files: tuple[str, ...] = (),
        base_url: str | None = None,
        reserve: Callable[[str], Path] | None = None,
    ) -> None:
        self.snapshot = snapshot
        self._sink = sink
        self._progress = progress
        self._extra_files = extra_files
        self._base_url = base_url
        self._reserve = reserve
        self._side: SideRendering | None = None

    def _step(self, name: str) -> None:
        if self._progress is not None:
            self._progress(name)

    def start(self) -> None:
        """Write the N-Triples file and, where it can, start rendering Turtle and RDF/XML beside."""
        self._step("cxgraph.nt")
        if self._reserve is None:
            self._sink("cxgraph.nt", to_ntriples(self.snapshot))
            return
        source = self._reserve("cxgraph.nt")
        write_bytes_atomic(source, to_ntriples(self.snapshot))
        self._step("cxgraph.ttl and cxgraph.rdf, in a second process")
        outputs = {"turtle": self._reserve("cxgraph.ttl"), "rdfxml": self._reserve("cxgraph.rdf")}
        self._side = SideRendering(source, outputs)

    def finish(self) -> None:
        """Render the rest; wait for the second process, if one was started."""
        try:
            if self._side is None:
                self._step("cxgraph.ttl")
                self._sink("cxgraph.ttl", to_turtle(self.snapshot))
            self._json_and_csv()
            if self._side is None:
                self._step("cxgraph.rdf")
                self._sink("cxgraph.rdf", to_rdfxml(self.snapshot))
            else:
                self._step("cxgraph.ttl and cxgraph.rdf: waiting for the second process")
                self._side.wait()
            self._sink("void.ttl", to_void(self.snapshot, [*EXPORT_FILES, *self._extra_files], self._base_url))
        finally:
            self.stop()

    def stop(self) -> None:
        """End the second process, if it is still running."""
        if self._side is not None:
            self._side.stop()

    def _json_and_csv(self) -> None:
        self._step("cxgraph.jsonld and cxgraph.csv")
        snapshot = self.snapshot
        # One pass over the subjects feeds both writers; the JSON-LD writer keeps every subject's
        # description until the end, which the paused cycle collector need not keep re-examining.
        with collector_paused():
            jsonld_writer, csv_writer = JsonLdWriter(), CsvWriter(declared_languages(snapshot.store))
            for subject, description in snapshot.descriptions():
                jsonld_writer.add(subject, description)
                csv_writer.add(subject, description)
            jsonld = jsonld_writer.finish()
            del jsonld_writer
        self._sink("cxgraph.jsonld", jsonld.document)
        self._sink("context.jsonld", jsonld.context)
        del jsonld
        self._sink("cxgraph.csv", csv_writer.finish())
        del csv_writer
