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

import hashlib
import re
import threading
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass
from enum import Enum

__all__ = [
    "MAX_NESTING",
    "MAX_OPERATORS",
    "QueryForm",
    "Refused",
    "Screening",
    "Token",
    "TooComplex",
    "check_structure",
    "inspect_query",
    "screen",
    "tokens",
]

#: Deepest nesting of ``{``, ``(`` and ``[`` a query may have (the parser recurses per level).
MAX_NESTING = 64
#: Most punctuation characters (operators, brackets, separators) a query may have: every level
#: of the engine's recursive parse and plan needs at least one, so this bounds their depth.
MAX_OPERATORS = 100_000


class Refused(Exception):
    """The query asks for something this endpoint never does (HTTP 403)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class TooComplex(Exception):
    """The query is nested too deeply or too long a chain for the engine to parse safely (HTTP 400)."""

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
            r"(?P<iri><[^<>\"{}|^`\\\x00-\x20]*>)",  # escapes were neutralised first
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


_CODEPOINT_ESCAPE = re.compile(r"\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8}")


def _neutralise_escapes(text: str) -> str:
    """Replace each ``\\u``/``\\U`` escape by as many letters ``x`` (offsets stay the same).

    The engine reads these escapes only inside IRIs, strings and prefixed names, where they
    stand for one character of the name or value and are never syntax; a plain letter keeps the
    token they are in intact for the lexer.
    """
    return _CODEPOINT_ESCAPE.sub(lambda m: "x" * len(m.group()), text) if "\\" in text else text


def check_structure(text: str) -> None:
    """Refuse (:class:`TooComplex`) a query nested or chained deeper than the engine can parse.

    The engine's parser and planner recurse once per nesting level and once per link of a
    chain (``UNION``, ``OPTIONAL``, ``/``, ``+``, ``.`` …); 3,000 nested groups overflow a
    thread's stack and kill the process. Both counts are taken over every character of the
    text, strings and comments included, so no reading of the text can hide a level.
    """
    if len(text) <= MAX_OPERATORS and text.count("{") + text.count("(") + text.count("[") <= MAX_NESTING:
        return  # neither limit can be passed: no more characters than operators allowed, nor openers than levels
    depth = deepest = operators = 0
    for char in text:
        if char in "{([":
            depth += 1
            if depth > deepest:
                deepest = depth
        elif char in "})]":
            depth = max(0, depth - 1)
        if not char.isalnum() and not char.isspace():
            operators += 1
    if deepest > MAX_NESTING:
        raise TooComplex(
            f"the query nests brackets {deepest} levels deep; this endpoint parses at most {MAX_NESTING} "
            "levels of { }, ( ) and [ ]: flatten the nested groups"
        )
    if operators > MAX_OPERATORS:
        raise TooComplex(
            f"the query has {operators:,} operators, brackets and separators; at most {MAX_OPERATORS:,} "
            "are parsed: split it into smaller queries"
        )


def tokens(text: str) -> list[Token]:
    """Lex SPARQL text into tokens, without whitespace and comments."""
    return [Token(kind, value, start) for kind, value, start in _scan(text)]


def _scan(text: str) -> list[tuple[str, str, int]]:
    """The tokens of ``text`` as (kind, text, offset), without whitespace and comments."""
    return list(_lex(text))


def _lex(text: str) -> Iterator[tuple[str, str, int]]:
    """The tokens of ``text`` one by one (a reader that stops early lexes no further)."""
    text = _neutralise_escapes(text)
    out: list[tuple[str, str, int]] = []
    brackets: list[str] = []
    position = 0
    match_at = _LEXER.match
    while position < len(text):
        match = match_at(text, position)
        assert match is not None  # the last alternative matches any character
        kind = match.lastgroup or "punct"
        if kind == "space" or kind == "comment":
            position = match.end()
            continue
        value = match.group()
        if kind == "iri" and _operator_possible(out, brackets) and _SERVICE_WORD.search(value):
            kind, value = "punct", "<"  # read it as less-than: the reading that shows the keyword
        position = match.start() + len(value)
        if kind == "punct":
            if value in "({[":
                brackets.append(value)
            elif value in ")}]" and brackets:
                brackets.pop()
        token = (kind, value, match.start())
        out.append(token)
        yield token


def _operator_possible(previous: list[tuple[str, str, int]], brackets: list[str]) -> bool:
    if not previous or not brackets or brackets[-1] != "(":
        return False
    kind, text, _ = previous[-1]
    return (
        kind in _TERM_ENDS
        or (kind == "punct" and text in ")]")
        or (kind == "word" and text.lower() in ("true", "false"))
    )


class _Verdicts:
    """Verdicts on recent query texts, keyed by a digest of the text, within a byte budget.

    Query texts are up to a million characters; the cache never holds one, only its 16-byte
    digest and the verdict, so its size is bounded by ``budget`` whatever clients send.
    """

    def __init__(self, budget: int) -> None:
        self.budget = budget
        self.size = 0
        self._entries: OrderedDict[bytes, Screening | str] = OrderedDict()
        self._lock = threading.Lock()

    @staticmethod
    def _cost(key: bytes, value: Screening | str) -> int:
        return 100 + len(key) + (len(value) if isinstance(value, str) else 0)

    def get(self, key: bytes) -> Screening | str | None:
        with self._lock:
            value = self._entries.get(key)
            if value is not None:
                self._entries.move_to_end(key)
            return value

    def put(self, key: bytes, value: Screening | str) -> None:
        with self._lock:
            if key in self._entries:
                return
            self._entries[key] = value
            self.size += self._cost(key, value)
            while self.size > self.budget and self._entries:
                old_key, old_value = self._entries.popitem(last=False)
                self.size -= self._cost(old_key, old_value)

    def __len__(self) -> int:
        return len(self._entries)


#: The verdict cache of this process (a worker's), at most 256 KiB.
VERDICTS = _Verdicts(256 * 1024)


@dataclass(frozen=True, slots=True)
class Screening:
    """What the guard found in a query it lets through."""

    form: QueryForm
    order_by: bool  # the query has an ``ORDER`` keyword (such queries are evaluated in a child process)


def screen(text: str) -> Screening:
    """Check a query's structure and tokens in one pass; the verdict is remembered per text.

    Raises :class:`TooComplex` (see :func:`check_structure`) or :class:`Refused` (see
    :func:`inspect_query`).
    """
    check_structure(text)
    return _verdict(text)


def inspect_query(text: str) -> QueryForm:
    """The form of a read-only query; raises :class:`Refused` for an update or a ``SERVICE``.

    Malformed text is not judged here: it passes (as ``UNKNOWN`` if no form keyword is seen)
    and the SPARQL parser reports the syntax error with its position. This is where clients get
    a clear message; what guarantees that no query reaches the network is
    :mod:`cxgraph.server.sandbox`.
    """
    return _verdict(text).form


def _verdict(text: str) -> Screening:
    """The screening of ``text``: read in full (and remembered) only when a keyword could be in it.

    Only a word ``SERVICE`` refuses a query wherever it stands, and only a word ``ORDER`` marks
    it for the child process. A word's upper case is part of the text's upper case (``str.upper``
    maps each character on its own), so when neither word is in ``text.upper()``, no token can
    be either: the query's opening word (after the prologue) is all that is left to read, which
    costs less than looking the text up. Other texts are lexed whole and their verdict is kept
    in :data:`VERDICTS`.
    """
    upper = text.upper()
    if "SERVICE" not in upper and "ORDER" not in upper:
        word = _opening_word(text)
        if word in _UPDATE_KEYWORDS:
            raise Refused(_read_only(word))
        return _WITHOUT_ORDER.get(word, _WITHOUT_ORDER["UNKNOWN"])
    key = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()
    verdict = VERDICTS.get(key)
    if verdict is None:
        try:
            verdict = _inspect(text)
        except Refused as refusal:
            verdict = refusal.message
        VERDICTS.put(key, verdict)
    if isinstance(verdict, str):
        raise Refused(verdict)
    return verdict


#: The screening of a query without ``ORDER``, by the word that names its form.
_WITHOUT_ORDER = {form.value: Screening(form, False) for form in QueryForm}


def _opening_word(text: str) -> str:
    """The first word after the prologue, upper-cased, or "" if there is none."""
    for kind, value, _ in _lex(text):
        if kind == "word" and (word := value.upper()) not in _PROLOGUE:
            return word
    return ""


def _read_only(word: str) -> str:
    return (f"this endpoint is read-only: SPARQL Update ({word} …) is refused. "
            "Load the vocabulary into your own triple store with 'cxgraph push' to change it.")


def _inspect(text: str) -> Screening:
    """Lex the whole of ``text`` and judge its words."""
    form = QueryForm.UNKNOWN
    seen_form = order_by = False
    for kind, value, start in _lex(text):
        if kind != "word":
            continue
        word = value.upper()
        if not seen_form and word not in _PROLOGUE:
            seen_form = True
            if word in _UPDATE_KEYWORDS:
                raise Refused(_read_only(word))
            if word in QueryForm.__members__:
                form = QueryForm[word]
        if word == "SERVICE":
            raise Refused(
                f"SERVICE (federated query, at character {start + 1}) is refused: "
                "this endpoint never sends requests to other services on a client's behalf."
            )
        if word == "ORDER":
            order_by = True
    return Screening(form, order_by)
