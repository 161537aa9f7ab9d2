"""cxgraph: the open SKOS vocabulary of customer-service and customer-experience language.

The Python API mirrors the CLI: load the vocabulary, complete it with its SKOS entailments,
check it, query it and render its exports. Functions return results and never print.
"""

from __future__ import annotations

from .checks import CheckReport, Violation, run_checks
from .errors import CxgraphError, InputError, UsageError, VocabularyError
from .infer import entail
from .pipeline import CompleteGraph, complete, complete_store
from .query import format_result, list_named_queries, resolve_query, run_query, select_rows
from .vocab import Vocabulary, load_vocabulary

__all__ = [
    "CheckReport",
    "CompleteGraph",
    "CxgraphError",
    "InputError",
    "UsageError",
    "Violation",
    "Vocabulary",
    "VocabularyError",
    "complete",
    "complete_store",
    "entail",
    "format_result",
    "list_named_queries",
    "load_vocabulary",
    "resolve_query",
    "run_checks",
    "run_query",
    "select_rows",
]

__version__ = "0.1.0"
