"""The graph that ``serve`` answers from and ``push`` publishes."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from ..errors import InputError

__all__ = ["FILE_FORMATS", "load_graph_file", "served_store"]

#: File extensions ``--graph FILE`` understands.
FILE_FORMATS: dict[str, ox.RdfFormat] = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".jsonld": ox.RdfFormat.JSON_LD,
    ".json": ox.RdfFormat.JSON_LD,
    ".rdf": ox.RdfFormat.RDF_XML,
    ".nq": ox.RdfFormat.N_QUADS,
    ".trig": ox.RdfFormat.TRIG,
}


def load_graph_file(path: Path) -> ox.Store:
    """An export file, format by extension, loaded as it is (no inference added)."""
    rdf_format = FILE_FORMATS.get(path.suffix.lower())
    if rdf_format is None:
        raise InputError(
            f"{path}: cannot tell the RDF format from the extension '{path.suffix}'; "
            f"use one of {', '.join(FILE_FORMATS)}"
        )
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror}") from exc
    store = ox.Store()
    try:
        store.bulk_extend(list(ox.parse(data, format=rdf_format, base_iri=path.resolve().as_uri())))
    except SyntaxError as exc:
        where = f"{path}:{exc.lineno}:{exc.offset}" if exc.lineno else str(path)
        raise InputError(f"{where}: invalid {rdf_format.name}: {exc.msg or exc}") from exc
    return store


def served_store(ontology_dir: Path | None = None, graph_file: Path | None = None) -> ox.Store:
    """The complete vocabulary (asserted + entailed), or the triples of ``graph_file``."""
    if graph_file is not None:
        return load_graph_file(graph_file)
    from ..pipeline import complete_store

    # From the on-disk cache after the first run (read-only): the forked workers share its
    # pages through the operating system's page cache, and answers match 'cxgraph query' byte
    # for byte, order of ties included.
    return complete_store(ontology_dir)
