"""cxgraph's SPARQL 1.1 endpoint (``cxgraph serve``) and Graph Store client (``cxgraph push``)."""

from __future__ import annotations

from .app import Endpoint, EndpointServer, ServerConfig, make_server
from .guard import QueryForm, Refused, inspect_query
from .push import PushResult, push_graph
from .source import load_graph_file, served_store

__all__ = [
    "Endpoint",
    "EndpointServer",
    "PushResult",
    "QueryForm",
    "Refused",
    "ServerConfig",
    "inspect_query",
    "load_graph_file",
    "make_server",
    "push_graph",
    "served_store",
]
