"""Narrowing a query's answer to one language (``cxgraph query --lang``, the endpoint's ``lang``).

A query over a multilingual vocabulary answers once per language: ``?concept skos:prefLabel
?label`` gives five rows per concept. Asking for a language keeps, among the rows that agree on
everything except their language-tagged text, the rows whose text is most in that language: each
tagged literal in the language (or a regional variant of it) counts one up, one in the fallback
language (English) nothing, one in any other language one down. A concept with no text in the
language thus keeps its English rows, and untagged values, IRIs and numbers are never touched.
For CONSTRUCT and DESCRIBE answers the same is done per subject and predicate.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

import pyoxigraph as ox

from .errors import UsageError
from .languages import FALLBACK, Languages, declared_languages, primary_subtag

if TYPE_CHECKING:
    from .query import QueryResult

__all__ = ["bind_language", "narrow", "narrow_rows", "narrow_solutions", "narrow_triples", "resolve_language"]

_LANG_PARAMETER = re.compile(r"VALUES\s+\?lang\s*\{", re.IGNORECASE)

_Value = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | None


def _score(term: _Value, language: str, fallback: str) -> int | None:
    """+1 in ``language``, 0 in ``fallback``, -1 otherwise; ``None`` for anything not tagged text."""
    if not isinstance(term, ox.Literal) or not term.language:
        return None
    tag = term.language.lower()
    if tag == language or primary_subtag(tag) == primary_subtag(language):
        return 1
    if tag == fallback or primary_subtag(tag) == primary_subtag(fallback):
        return 0
    return -1


def _key(term: _Value) -> str:
    return "" if term is None else str(term)


def narrow_rows(rows: Sequence[Sequence[_Value]], language: str, fallback: str = FALLBACK) -> list[int]:
    """The indexes of the rows to keep, in their original order."""
    language, fallback = language.lower(), fallback.lower()
    groups: dict[tuple[str, ...], list[tuple[int, int]]] = defaultdict(list)
    for i, row in enumerate(rows):
        scores = [_score(v, language, fallback) for v in row]
        key = tuple("" if s is not None else _key(v) for v, s in zip(row, scores, strict=True))
        groups[key].append((i, sum(s for s in scores if s is not None)))
    keep: list[int] = []
    for members in groups.values():
        best = max(score for _, score in members)
        keep.extend(i for i, score in members if score == best)
    return sorted(keep)


def _json_term(term: _Value) -> dict[str, str] | None:
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
            out["datatype"] = term.datatype.value
        return out
    raise TypeError("RDF-star triples in results cannot be narrowed to a language")


def narrow_solutions(result: ox.QuerySolutions, language: str, fallback: str = FALLBACK) -> ox.QuerySolutions:
    """The solutions of ``result`` narrowed to ``language``, as a new (re-readable) result."""
    names = [v.value for v in result.variables]
    rows = [[row[n] for n in names] for row in result]
    kept = [rows[i] for i in narrow_rows(rows, language, fallback)]
    bindings = [
        {n: t for n, t in ((n, _json_term(v)) for n, v in zip(names, row, strict=True)) if t is not None}
        for row in kept
    ]
    document = {"head": {"vars": names}, "results": {"bindings": bindings}}
    parsed = ox.parse_query_results(json.dumps(document).encode("utf-8"), format=ox.QueryResultsFormat.JSON)
    assert isinstance(parsed, ox.QuerySolutions)
    return parsed


def narrow_triples(triples: Iterable[ox.Triple], language: str, fallback: str = FALLBACK) -> list[ox.Triple]:
    """The triples narrowed to ``language``: per subject and predicate, the best-language objects."""
    listed = list(triples)
    rows = [[t.subject, t.predicate, t.object] for t in listed]
    return [listed[i] for i in narrow_rows(rows, language, fallback)]


def resolve_language(store: ox.Store | Languages, asked: str) -> str:
    """The declared language ``asked`` names (``pt-br`` → ``pt-BR``, ``es-419`` → ``es``).

    Raises :class:`UsageError` naming the languages the vocabulary speaks when it is not one.
    """
    languages = store if isinstance(store, Languages) else declared_languages(store)
    found = languages.resolve(asked.strip())
    if found is None:
        raise UsageError(
            f"the vocabulary has no language '{asked}'; it speaks {', '.join(languages.declared)} "
            "(the scheme's dct:language)"
        )
    return found


def bind_language(text: str, tag: str) -> str:
    """Set a named query's ``?lang`` parameter, when it declares one, to ``tag``."""
    if not _LANG_PARAMETER.search(text):
        return text
    from .query import bind_parameters

    return bind_parameters(text, {"lang": tag})


def narrow(result: QueryResult, language: str) -> QueryResult:
    """Any query answer narrowed to ``language``; a yes/no answer is returned as it is."""
    if isinstance(result, ox.QuerySolutions):
        return narrow_solutions(result, language)
    if isinstance(result, ox.QueryTriples | list):
        return narrow_triples(result, language)
    return result
