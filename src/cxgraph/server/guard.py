"""What the endpoint refuses before a query reaches the engine: updates and ``SERVICE``.

cxgraph's endpoint is read-only and never makes a request on a client's behalf. Both rules
are decided on the query's *tokens*, not on its raw text: a small SPARQL lexer skips
comments, string literals, IRIs, prefixed names, variables and blank-node labels, so
``# SERVICE``, ``"customer service"``, ``<http://example.org/service>``, ``ex:service`` and
``?service`` are all harmless, while the keyword ``SERVICE`` (in any letter case, with any
spacing) is refused wherever it appears, including inside ``EXISTS`` and sub-queries.

The one ambiguous character in SPARQL is ``<``: it opens an IRI where a term is expected and
is the less-than operator inside an expression. The lexer follows the grammar (an operator
only inside parentheses, right after a term), and where both readings are possible it takes
the one that exposes a ``SERVICE`` keyword, so an ambiguity can only make it refuse more.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache

__all__ = ["QueryForm", "Refused", "Token", "inspect_query", "tokens"]


class Refused(Exception):
    """The query asks for something this endpoint never does (HTTP 403)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class QueryForm(Enum):
    """The four SPARQL query forms, or ``UNKNOWN`` when the text does not say (the parser will)."""

    SELECT = "SELECT"
    ASK = "ASK"
    CONSTRUCT = "CONSTRUCT"
    DESCRIBE = "DESCRIBE"
    UNKNOWN = "UNKNOWN"


@dataclass(frozen=True)
class Token:
    """One lexical token: its kind (``word``, ``iri``, ``string`` …), text and offset."""

    kind: str
    text: str
    start: int


_UPDATE_KEYWORDS = frozenset({"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"})
_PROLOGUE = frozenset({"BASE", "PREFIX"})

# Characters of names (SPARQL PN_CHARS, approximated with Unicode word characters).
_NAME_START = r"[^\W\d]"
_NAME_CHAR = r"[\w\-\u00B7]"
_PLX = r"(?:%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%])"
_PREFIX = rf"(?:{_NAME_START}(?:(?:{_NAME_CHAR}|\.)*{_NAME_CHAR})?)?"
_LOCAL = rf"(?:(?:\w|:|{_PLX})(?:(?:{_NAME_CHAR}|[.:]|{_PLX})*(?:{_NAME_CHAR}|:|{_PLX}))?)?"

_LEXER = re.compile(
    "|".join(
        [
            r"(?P<space>\s+)",
            r"(?P<comment>#[^\n\r]*)",
            r"(?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''"
            r'|"""(?:[^"\\]|\\.|"(?!""))*"""'
            r"|'(?:[^'\\\n\r]|\\.)*'"
            r'|"(?:[^"\\\n\r]|\\.)*")',
            r"(?P<iri><[^<>\"{}|^`\\\x00-\x20]*>)",
            r"(?P<var>[?$]\w+)",
            r"(?P<langtag>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)",
            r"(?P<bnode>_:(?:\w(?:[\w.\-]*[\w\-])?)?)",
            rf"(?P<pname>{_PREFIX}:{_LOCAL})",
            r"(?P<number>\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)",
            rf"(?P<word>{_NAME_START}{_NAME_CHAR}*)",
            r"(?P<punct>.)",
        ]
    ),
    re.DOTALL,
)

# Tokens after which, inside parentheses, ``<`` is the less-than operator.
_TERM_ENDS = frozenset({"iri", "var", "string", "langtag", "pname", "number", "bnode"})
_SERVICE_WORD = re.compile(r"(?<![\w])service(?![\w])", re.IGNORECASE)


def tokens(text: str) -> list[Token]:
    """Lex SPARQL text into tokens, without whitespace and comments."""
    out: list[Token] = []
    brackets: list[str] = []
    position = 0
    while position < len(text):
        match = _LEXER.match(text, position)
        assert match is not None  # the last alternative matches any character
        kind = match.lastgroup or "punct"
        value = match.group()
        if kind == "iri" and _operator_possible(out, brackets) and _SERVICE_WORD.search(value):
            kind, value = "punct", "<"  # read it as less-than: the reading that shows the keyword
        position = match.start() + len(value)
        if kind in ("space", "comment"):
            continue
        if kind == "punct":
            if value in "({[":
                brackets.append(value)
            elif value in ")}]" and brackets:
                brackets.pop()
        out.append(Token(kind, value, match.start()))
    return out


def _operator_possible(previous: list[Token], brackets: list[str]) -> bool:
    if not previous or not brackets or brackets[-1] != "(":
        return False
    last = previous[-1]
    return (
        last.kind in _TERM_ENDS
        or (last.kind == "punct" and last.text in ")]")
        or (last.kind == "word" and last.text.lower() in ("true", "false"))
    )


@lru_cache(maxsize=2048)
def inspect_query(text: str) -> QueryForm:
    """The form of a read-only query; raises :class:`Refused` for an update or a ``SERVICE``.

    Malformed text is not judged here: it passes (as ``UNKNOWN`` if no form keyword is seen)
    and the SPARQL parser reports the syntax error with its position.
    """
    form = QueryForm.UNKNOWN
    seen_form = False
    for token in tokens(text):
        if token.kind != "word":
            continue
        word = token.text.upper()
        if not seen_form and word not in _PROLOGUE:
            seen_form = True
            if word in _UPDATE_KEYWORDS:
                raise Refused(
                    f"this endpoint is read-only: SPARQL Update ({word} …) is refused. "
                    "Load the vocabulary into your own triple store with 'cxgraph push' to change it."
                )
            if word in QueryForm.__members__:
                form = QueryForm[word]
        if word == "SERVICE":
            raise Refused(
                f"SERVICE (federated query, at character {token.start + 1}) is refused: "
                "this endpoint never sends requests to other services on a client's behalf."
            )
    return form
