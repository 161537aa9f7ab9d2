"""Writing the built vocabulary to every export format.

Every export is rendered from one :class:`Snapshot` of the complete graph (canonical sorted
N-Triples) and handed to a sink as soon as it is ready; the build stages each one in a hidden
temporary file and renames them all into place only when every file and every check is done
(:class:`cxgraph.atomic.StagedFiles`), so a failure never leaves a half-written or mixed set.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from ..atomic import write_bytes_atomic
from ..languages import declared_languages
from .rdf import rdfxml_from_file, to_ntriples, to_rdfxml, to_turtle
from .snapshot import Snapshot, take_snapshot
from .tables import render_tables
from .void import to_void

if TYPE_CHECKING:
    from .side import SideRendering

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

    :meth:`start` writes the N-Triples file and ``void.ttl``. Given ``reserve`` (where a file
    of a name is to be written, as :meth:`cxgraph.atomic.StagedFiles.reserve` gives it), it
    also starts a second process that renders Turtle, JSON-LD and CSV from the N-Triples file
    (:mod:`cxgraph.export.side`) while the caller does other work, and lets the snapshot go:
    the caller may drop its own reference too. :meth:`finish` then writes RDF/XML here from
    the same file and waits for that process; without ``reserve`` it renders the other files
    here.
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
        self._snapshot: Snapshot | None = snapshot
        self._sink = sink
        self._progress = progress
        self._extra_files = extra_files
        self._base_url = base_url
        self._reserve = reserve
        self._side: SideRendering | None = None
        self._rdfxml: tuple[Path, Path] | None = None  # (N-Triples source, RDF/XML target) for finish()

    def _step(self, name: str) -> None:
        if self._progress is not None:
            self._progress(name)

    def start(self) -> None:
        """Write N-Triples and VoID and, where it can, start rendering the rest beside."""
        snapshot = self._snapshot
        assert snapshot is not None, "start() is called once"
        self._step("cxgraph.nt")
        if self._reserve is None:
            self._sink("cxgraph.nt", to_ntriples(snapshot))
        else:
            source = self._reserve("cxgraph.nt")
            write_bytes_atomic(source, to_ntriples(snapshot))
        self._sink("void.ttl", to_void(snapshot, [*EXPORT_FILES, *self._extra_files], self._base_url))
        if self._reserve is not None:
            # Imported here, not with the package: the second process runs that module as __main__.
            from . import side

            self._step(f"{', '.join(side.SIDE_FILES)} in a second process")
            staged = {name: self._reserve(name) for name in EXPORT_FILES if name in (*side.SIDE_FILES, "cxgraph.rdf")}
            assert {path.parent for path in staged.values()} == {source.parent}, "every export is staged in one folder"
            self._side = side.SideRendering(source, source.parent, declared_languages(snapshot.store))
            self._rdfxml = (source, staged["cxgraph.rdf"])
            self._snapshot = None

    def finish(self) -> None:
        """Render the rest, or wait for the second process to have written it."""
        try:
            if self._side is not None:
                assert self._rdfxml is not None
                self._step("cxgraph.rdf")
                rdfxml_from_file(*self._rdfxml)
                self._step("waiting for the second process")
                self._side.wait()
                return
            snapshot = self._snapshot
            assert snapshot is not None, "finish() follows start()"
            self._step("cxgraph.ttl")
            self._sink("cxgraph.ttl", to_turtle(snapshot))
            self._step("cxgraph.jsonld and cxgraph.csv")
            for name, data in render_tables(snapshot.ntriples, declared_languages(snapshot.store)):
                self._sink(name, data)
                del data
            self._step("cxgraph.rdf")
            self._sink("cxgraph.rdf", to_rdfxml(snapshot))
        finally:
            self.stop()

    def stop(self) -> None:
        """End the second process, if it is still running."""
        if self._side is not None:
            self._side.stop()
