"""Where the shipped vocabulary and named queries live.

In a wheel they are package data under ``cxgraph/data/``; in a source checkout (including an
editable install) they are the repository's own ``ontology/`` and ``queries/`` folders, so edits
there are picked up without reinstalling.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["default_ontology_dir", "default_queries_dir", "is_installed_data"]

_PACKAGE = Path(__file__).resolve().parent
_CHECKOUT = _PACKAGE.parent.parent


def _locate(name: str) -> Path:
    for candidate in (_PACKAGE / "data" / name, _CHECKOUT / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"cxgraph's {name}/ folder is missing from this installation")


def default_ontology_dir() -> Path:
    """The folder of Turtle files the vocabulary is built from."""
    return _locate("ontology")


def default_queries_dir() -> Path:
    """The folder of named SPARQL queries (``*.rq``) and checks (``checks/*.rq``)."""
    return _locate("queries")


def is_installed_data(path: Path) -> bool:
    """True when ``path`` lies inside the copy of the data installed with the package."""
    try:
        path.resolve().relative_to(_PACKAGE / "data")
    except ValueError:
        return False
    return True
