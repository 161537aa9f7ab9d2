"""Loading the hand-edited Turtle of ``ontology/`` into one store of asserted triples."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from .canonical import rename_blank_nodes
from .errors import InputError, VocabularyError
from .namespaces import OWL
from .resources import default_ontology_dir

__all__ = ["Vocabulary", "deprecated_concepts", "load_vocabulary", "ontology_files"]


@dataclass(frozen=True)
class Vocabulary:
    """The asserted triples of a vocabulary (default graph of ``store``) and their files."""

    store: ox.Store
    files: tuple[Path, ...]

    def __len__(self) -> int:
        return len(self.store)


def ontology_files(directory: Path) -> tuple[Path, ...]:
    """Every ``*.ttl`` file under ``directory`` (subfolders included), in a stable order."""
    if not directory.is_dir():
        raise InputError(f"{directory}: no such ontology folder")  # a wrong --ontology: exit 2
    files = tuple(sorted(p for p in directory.rglob("*.ttl") if p.is_file()))
    if not files:
        raise VocabularyError(f"{directory}: no .ttl files found; point --ontology at a folder of Turtle files")
    return files


def _describe_syntax_error(path: Path, error: SyntaxError) -> str:
    where = f"{path}"
    if error.lineno:
        where += f":{error.lineno}"
        if error.offset:
            where += f":{error.offset}"
    detail = str(error.msg) if error.msg else str(error)
    return f"{where}: invalid Turtle: {detail}"


def load_vocabulary(directory: Path | None = None) -> Vocabulary:
    """Parse every Turtle file of the ontology folder into one store.

    Parsing happens inside Oxigraph, without a Python object per triple; each file is added
    with ``Store.load``, one transaction per file. Blank nodes get
    stable names (see :mod:`cxgraph.canonical`), so every load of the same files gives the
    same store. Raises :class:`VocabularyError` naming the file, line and column of the
    first syntax error.
    """
    directory = directory if directory is not None else default_ontology_dir()
    files = ontology_files(directory)
    store = ox.Store()
    for path in files:
        try:
            store.load(path=str(path), format=ox.RdfFormat.TURTLE, base_iri=path.resolve().as_uri())
        except SyntaxError as exc:
            raise VocabularyError(_describe_syntax_error(path, exc)) from exc
        except OSError as exc:
            raise VocabularyError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    rename_blank_nodes(store)
    return Vocabulary(store=store, files=files)


_DEPRECATED = ox.NamedNode(OWL + "deprecated")


def deprecated_concepts(store: ox.Store) -> set[str]:
    """The IRIs marked ``owl:deprecated true`` (either boolean spelling) in ``store``'s default graph.

    The one reading of deprecation that the view, the import matcher, the library API and the
    site share: deprecated concepts keep their IRIs in the exports but are not drawn or matched.
    """
    return {
        q.subject.value
        for q in store.quads_for_pattern(None, _DEPRECATED, None, ox.DefaultGraph())
        if isinstance(q.subject, ox.NamedNode) and isinstance(q.object, ox.Literal) and q.object.value in ("true", "1")
    }
