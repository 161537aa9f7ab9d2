"""cxgraph's SPARQL 1.1 endpoint (``cxgraph serve``) and Graph Store client (``cxgraph push``).

The names below are loaded on first use, so that ``cxgraph query``, which needs only the guard
and the sandbox from this package, does not import the HTTP server, the REST API and the view.
"""

from __future__ import annotations

import importlib
from typing import Any

_WHERE = {
    "Endpoint": "app",
    "EndpointServer": "app",
    "ServerConfig": "app",
    "make_server": "app",
    "QueryForm": "guard",
    "Refused": "guard",
    "inspect_query": "guard",
    "PushResult": "push",
    "push_graph": "push",
    "load_graph_file": "source",
    "served_store": "source",
}

__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f".{_WHERE[name]}", __name__), name)
