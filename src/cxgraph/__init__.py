"""cxgraph: the open SKOS vocabulary of customer-service and customer-experience language.

The Python API mirrors the CLI: every command is a thin caller of a function here.

    import cxgraph
    cxgraph.build("exports")                  # check, infer, write every export (BuildResult)
    cxgraph.check().ok                        # the integrity and quality checks (CheckReport)
    cxgraph.concept("CSAT").definition        # one concept as a typed record (ConceptRecord)
    cxgraph.graph()                           # the complete vocabulary as an rdflib.Graph

Functions return results and never print; problems are raised as :class:`CxgraphError`
subclasses carrying the command line's exit code. Oxigraph is the engine throughout.
"""

from __future__ import annotations

from .api import (
    BuildResult,
    ConceptRecord,
    ConceptRef,
    ImportResult,
    ViewResult,
    build,
    check,
    concept,
    graph,
    import_glossary,
    vocabulary_version,
    write_view,
)
from .checks import CheckReport, Violation, run_checks
from .errors import ChecksFailed, CxgraphError, InputError, UsageError, VocabularyError
from .infer import entail
from .pipeline import CompleteGraph, complete, complete_store
from .query import format_result, list_named_queries, resolve_query, run_query, select_rows
from .vocab import Vocabulary, load_vocabulary

__all__ = [
    "BuildResult",
    "CheckReport",
    "ChecksFailed",
    "CompleteGraph",
    "ConceptRecord",
    "ConceptRef",
    "CxgraphError",
    "ImportResult",
    "InputError",
    "UsageError",
    "ViewResult",
    "Violation",
    "Vocabulary",
    "VocabularyError",
    "build",
    "check",
    "complete",
    "complete_store",
    "concept",
    "entail",
    "format_result",
    "graph",
    "import_glossary",
    "list_named_queries",
    "load_vocabulary",
    "resolve_query",
    "run_checks",
    "run_query",
    "select_rows",
    "vocabulary_version",
    "write_view",
]

__version__ = "0.1.0"
