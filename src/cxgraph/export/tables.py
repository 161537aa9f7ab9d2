"""JSON-LD and CSV, rendered together in one pass over the snapshot's subjects."""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

from ..languages import Languages
from .jsonld import JsonLdWriter
from .ntriples import collector_paused, describe
from .spreadsheet import CsvWriter

__all__ = ["TABLE_FILES", "render_tables"]

#: The files :func:`render_tables` yields, in order.
TABLE_FILES = ("cxgraph.jsonld", "context.jsonld", "cxgraph.csv")


def render_tables(ntriples: bytes | BinaryIO, languages: Languages) -> Iterator[tuple[str, bytes]]:
    """``cxgraph.jsonld``, ``context.jsonld`` and ``cxgraph.csv`` of the sorted N-Triples ``ntriples``.

    ``ntriples`` is the text or a file open for reading in binary mode (read a block at a time).

    ``languages`` are the ones the scheme declares; they lay out the CSV's columns. Each file is
    yielded as soon as it is ready, so the caller can write it and let it go.
    """
    # One pass over the subjects feeds both writers; the JSON-LD writer keeps every subject's
    # description until the end, which the paused cycle collector need not keep re-examining.
    with collector_paused():
        jsonld_writer, csv_writer = JsonLdWriter(), CsvWriter(languages)
        for subject, description in describe(ntriples):
            jsonld_writer.add(subject, description)
            csv_writer.add(subject, description)
        jsonld = jsonld_writer.finish()
        del jsonld_writer
    yield "cxgraph.jsonld", jsonld.document
    yield "context.jsonld", jsonld.context
    del jsonld
    yield "cxgraph.csv", csv_writer.finish()
