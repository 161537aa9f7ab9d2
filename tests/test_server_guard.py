"""The endpoint's SERVICE and Update refusal, checked against pyoxigraph's own parser.

The oracle: pyoxigraph really tries a SERVICE call, and refuses port 9 ("not allowed for
HTTP(S)") without touching the network. So a query that raises that error is one the engine
would federate; the guard must refuse exactly those (and let the others through).
"""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cxgraph.server.guard import QueryForm, Refused, inspect_query

TARGET = "<http://127.0.0.1:9/sparql>"
STORE = ox.Store()


def engine_federates(text: str) -> bool | None:
    """True if the engine attempts SERVICE, False if it runs without, None if it cannot parse it."""
    try:
        result = STORE.query(text)
        if isinstance(result, ox.QuerySolutions):
            list(result)
    except SyntaxError:
        return None
    except (OSError, RuntimeError) as error:
        if "port 9" in str(error) or "service name is unbound" in str(error):
            return True  # the engine went for the SERVICE call
        raise
    return False


def guard_refuses(text: str) -> bool:
    try:
        inspect_query(text)
    except Refused:
        return True
    return False


# Fragments a query can be assembled from: harmless mentions of "service" and real SERVICE calls.
HARMLESS = [  # each keeps one solution on an empty store, so the engine still reaches any SERVICE
    "# SERVICE <http://x/> { }\n",
    "OPTIONAL { ?s <http://example.org/service> ?o }",
    "OPTIONAL { ?s <http://example.org/p> 'SERVICE <x> {}' }",
    'OPTIONAL { ?s <http://example.org/p> """a\nSERVICE ?x { }""" }',
    "OPTIONAL { ?service <http://example.org/p> ?o }",
    "OPTIONAL { ?s <http://example.org/p> _:service }",
    'OPTIONAL { ?s <http://example.org/p> "x"@service }',
    "FILTER(?s < ?o || true)",
    "FILTER(?s<?o||true)",
    "OPTIONAL { ?s <http://example.org/p#SERVICE> ?o }",
    'BIND("service" AS ?label)',
]
FEDERATING = [
    f"SERVICE {TARGET} {{ ?a ?b ?c }}",
    f"service{TARGET}{{?a ?b ?c}}",
    f"SeRvIcE\n#comment\n{TARGET}\n{{ ?a ?b ?c }}",
    "VALUES ?endpoint { " + TARGET + " } SERVICE ?endpoint { ?a ?b ?c }",
    f"BIND(1 AS ?one) FILTER EXISTS {{ SERVICE {TARGET} {{ ?a ?b ?c }} }}",
    f"{{ SELECT * WHERE {{ SERVICE {TARGET} {{ ?a ?b ?c }} }} }}",
    f"OPTIONAL {{ SERVICE {TARGET} {{ ?a ?b ?c }} }}",
    f"VALUES ?endpoint {{ {TARGET} }} FILTER(?s<?o||true)SERVICE?endpoint#>\n{{ ?a ?b ?c }}",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(HARMLESS + FEDERATING), min_size=1, max_size=4))
def test_guard_refuses_every_query_the_engine_would_federate_and_no_other(parts: list[str]) -> None:
    text = "SELECT * WHERE { " + "\n".join(parts) + " }"
    federates = engine_federates(text)
    if federates is None:
        return  # malformed: the parser's 400 answers it, whatever the guard says
    if federates:
        assert guard_refuses(text), text
    # The engine may skip a SERVICE it can prove useless; the guard refuses on syntax alone.
    assert guard_refuses(text) == any(part in FEDERATING for part in parts), text


@pytest.mark.parametrize("text", HARMLESS)
def test_harmless_mentions_of_service_pass(text: str) -> None:
    query = "SELECT * WHERE { " + text + " }"
    assert engine_federates(query) is False
    assert not guard_refuses(query)


@pytest.mark.parametrize("text", FEDERATING)
def test_every_federating_form_is_refused(text: str) -> None:
    query = "SELECT * WHERE { " + text + " }"
    federates = engine_federates(query)
    assert federates is not None
    if "EXISTS" not in text:  # a failed call inside FILTER is swallowed: the oracle cannot see it there
        assert federates is True
    assert guard_refuses(query)


@pytest.mark.parametrize("text", [
    "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
    "PREFIX x: <urn:x:> DELETE WHERE { ?s ?p ?o }",
    "BASE <urn:b> PREFIX x: <urn:x:> LOAD <http://example.org/data.ttl>",
    "clear all",
    "WITH <urn:g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "DROP GRAPH <urn:g>",
])
def test_updates_are_refused_as_read_only(text: str) -> None:
    with pytest.raises(Refused, match="read-only"):
        inspect_query(text)


@pytest.mark.parametrize(("text", "form"), [
    ("PREFIX insert: <urn:x:> SELECT * WHERE { ?s insert:p ?o }", QueryForm.SELECT),
    ("# INSERT DATA\nASK {}", QueryForm.ASK),
    ("construct where { ?s ?p ?o }", QueryForm.CONSTRUCT),
    ("DESCRIBE <urn:a>", QueryForm.DESCRIBE),
])
def test_query_forms_are_recognised_past_prologue_and_comments(text: str, form: QueryForm) -> None:
    assert inspect_query(text) is form


def _whole_reading(text: str) -> object:
    """The verdict of lexing the whole text (what the short reading must agree with)."""
    from cxgraph.server import guard

    try:
        return guard._inspect(text)
    except Refused as refusal:
        return refusal.message


def _verdict(text: str) -> object:
    from cxgraph.server import guard

    try:
        return guard._verdict(text)
    except Refused as refusal:
        return refusal.message


WORDS = ["PREFIX", "ex:", "<urn:x:>", "BASE", "SELECT", "ASK", "CONSTRUCT", "DESCRIBE", "INSERT", "DELETE",
         "ORDER", "BY", "\u017fervice", "Service", "SERVIC", "?service", "'SERVICE'", "# ORDER\n", "\\u0053ERVICE",
         "ordered", "{", "}", "(", ")", "<", "?s", "*", "WHERE", "LIMIT", "1", "\u0131", "ß", "\n"]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(WORDS), max_size=12), st.sampled_from([" ", "", "\t"]))
def test_the_short_reading_gives_the_whole_readings_verdict(words: list[str], joint: str) -> None:
    """A text without SERVICE or ORDER is judged on its opening words: the verdict must be the same."""
    text = joint.join(words)
    assert _verdict(text) == _whole_reading(text), text


def test_a_long_s_spelling_of_service_is_still_read_whole() -> None:
    """The long s (U+017F) is upper-cased to ``S``: the text is lexed whole, and refused as a whole reading refuses it."""
    text = f"SELECT * WHERE {{ \u017fervice {TARGET} {{ ?a ?b ?c }} }}"
    assert _verdict(text) == _whole_reading(text)
    assert guard_refuses(text)
