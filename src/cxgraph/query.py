"""SPARQL over the built vocabulary: named queries, ad hoc queries, and result formats."""

from __future__ import annotations

import contextlib
import os
import re
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from .errors import UsageError
from .namespaces import PREFIXES, compact_iri
from .resources import default_queries_dir

__all__ = [
    "GRAPH_FORMATS",
    "SELECT_FORMATS",
    "NamedQuery",
    "bind_parameters",
    "describe_syntax_error",
    "format_result",
    "list_named_queries",
    "read_named_query",
    "resolve_query",
    "run_query",
    "select_rows",
]

#: Output formats for SELECT and ASK results.
SELECT_FORMATS = ("table", "csv", "tsv", "json", "xml")
#: Output formats for CONSTRUCT and DESCRIBE results.
GRAPH_FORMATS = ("turtle", "ntriples", "jsonld", "rdfxml")

_HEADER_LINE = re.compile(r"^#\s*(\w+)\s*:\s*(.*?)\s*$")

QueryResult = ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples | list[ox.Triple]
_QUERY_STACK = 256 * 1024 * 1024


@dataclass(frozen=True)
class NamedQuery:
    """A query file with the header block it opens with (``# title:``, ``# description:`` …)."""

    name: str
    path: Path
    text: str
    fields: dict[str, list[str]] = field(default_factory=dict)

    @property
    def title(self) -> str:
        return self.field("title", self.name)

    @property
    def description(self) -> str:
        return self.field("description", "")

    def field(self, key: str, default: str = "") -> str:
        values = self.fields.get(key)
        return values[0] if values else default


def _header(text: str) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        if not stripped.startswith("#"):
            break
        match = _HEADER_LINE.match(stripped)
        if match:
            fields.setdefault(match.group(1).lower(), []).append(match.group(2))
    return fields


def read_named_query(path: Path, name: str | None = None) -> NamedQuery:
    """Read one ``.rq`` file and its header; a UTF-8 byte-order mark at its start is dropped."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise UsageError(f"{path}: cannot read query: {exc.strerror}") from exc
    except UnicodeDecodeError as exc:
        raise UsageError(f"{path}: not UTF-8 text (byte {exc.start}); save the query as UTF-8") from exc
    return NamedQuery(name=name or path.stem, path=path, text=text, fields=_header(text))


def list_named_queries(directory: Path | None = None) -> list[NamedQuery]:
    """The named queries (``queries/*.rq``, not the checks), sorted by name."""
    directory = directory if directory is not None else default_queries_dir()
    return [read_named_query(p) for p in sorted(directory.glob("*.rq"))]


def resolve_query(spec: str, directory: Path | None = None) -> NamedQuery:
    """A named query (``nps-categories``) or a path to a ``.rq`` file."""
    path = Path(spec)
    if path.suffix == ".rq" or path.exists():
        if not path.is_file():
            raise UsageError(f"{spec}: no such query file")
        return read_named_query(path)
    directory = directory if directory is not None else default_queries_dir()
    candidate = directory / f"{spec}.rq"
    if candidate.is_file():
        return read_named_query(candidate, spec)
    names = [q.name for q in list_named_queries(directory)]
    close = [n for n in names if spec.lower() in n or n in spec.lower()]
    hint = f" Did you mean: {', '.join(close)}?" if close else " Run 'cxgraph query --list' to see them."
    raise UsageError(f"no named query '{spec}'.{hint}")


def _sparql_value(value: str) -> str:
    if re.fullmatch(r'<[^<>"{}|^`\\\s]*>', value):
        return value
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return f'"{escaped}"'


def bind_parameters(text: str, params: dict[str, str], source: str = "query") -> str:
    """Set a query's parameters: each ``VALUES ?name { … }`` clause gets the given value.

    Named queries declare a parameter with a one-variable ``VALUES`` clause holding its default
    (``VALUES ?term { "Agent" }``). A value written ``<…>`` is an IRI; anything else a string.
    """
    for name, value in params.items():
        pattern = re.compile(r"VALUES\s+\?" + re.escape(name) + r"\s*\{[^}]*\}", re.IGNORECASE)
        if not pattern.search(text):
            declared = sorted(set(re.findall(r"VALUES\s+\?(\w+)\s*\{", text, re.IGNORECASE)))
            known = f"its parameters are: {', '.join(declared)}" if declared else "it takes no parameters"
            raise UsageError(f"{source}: no parameter ?{name} to set; {known}")
        replacement = f"VALUES ?{name} {{ {_sparql_value(value)} }}"
        text = pattern.sub(replacement.replace("\\", "\\\\"), text)
    return text


_ERROR_AT = re.compile(r"^error at (\d+):(\d+): (.*)$", re.DOTALL)
_PREFIXED_NAME = re.compile(r"(?<![\w<?$:.-])([A-Za-z][\w.-]*)?:")


def describe_syntax_error(exc: SyntaxError, text: str) -> str:
    """The parser's complaint about ``text`` in one line: what is wrong, and at which line:column.

    An undeclared prefix reads ``undeclared prefix foo: at 1:21`` (the position of the name);
    any other error keeps its list of expected tokens, without the character classes.
    """
    message = " ".join(str(exc).split())
    match = _ERROR_AT.match(message)
    if not match:
        return message
    line_no, column, detail = int(match.group(1)), int(match.group(2)), match.group(3)
    if "Prefix not found" in detail:
        lines = text.split("\n")
        line = lines[line_no - 1] if 0 < line_no <= len(lines) else ""
        names = [m for m in _PREFIXED_NAME.finditer(line) if m.start() < column - 1]
        if names:
            name = names[-1]
            return f"undeclared prefix {name.group(1) or ''}: at {line_no}:{name.start() + 1}"
        return f"undeclared prefix at {line_no}:{column}"
    if detail.startswith("expected one of "):
        expected = [t for t in re.findall(r'"[^"]*"|\[[^\]]*\]|[^,\s][^,]*', detail[16:]) if not t.startswith("[")]
        detail = "expected one of " + ", ".join(t.strip() for t in expected) if expected else "unexpected character"
    if len(detail) > 160:
        detail = detail[:157].rstrip(", ") + " …"
    return f"{detail} at {line_no}:{column}"


def run_query(store: ox.Store, text: str, source: str = "query", isolated: bool = True) -> QueryResult:
    """Run SPARQL against ``store``; a syntax error becomes a one-line :class:`UsageError`.

    The project's prefixes (``skos:``, ``cx:``, ``cxg:`` …) are predeclared. A query from a user
    (``isolated``, the default) is evaluated, where the system can fork, in a child process that
    is sealed from the network (no ``SERVICE`` call can leave the machine) and whose crash (an
    engine abort) is reported as a one-line error instead of ending this process; a query nested
    too deeply for the engine's parser is refused before it is parsed. cxgraph's own queries
    (the checks) pass ``isolated=False`` and run in this process, saving a fork per query.
    """
    if not isolated:
        return _evaluate_here(store, text, source)
    from .server.guard import TooComplex, check_structure

    try:
        check_structure(text)
    except TooComplex as exc:
        raise UsageError(f"{source}: {exc.message}") from exc
    if not hasattr(os, "fork"):
        return _evaluate_here(store, text, source)
    return _evaluate_in_child(store, text, source)


def _evaluate_here(store: ox.Store, text: str, source: str) -> QueryResult:
    try:
        return store.query(text, prefixes=PREFIXES)
    except SyntaxError as exc:
        raise UsageError(f"{source}: invalid SPARQL: {describe_syntax_error(exc, text)}") from exc
    except OSError as exc:  # pyoxigraph reports evaluation errors as OSError
        if isinstance(exc, PermissionError) or "os error 13" in str(exc):
            raise UsageError(f"{source}: the query tried to open a network connection (SERVICE); refused") from exc
        raise UsageError(f"{source}: query failed: {exc}") from exc


def _serialised(store: ox.Store, text: str, source: str) -> bytes:
    """The answer as one tagged message: ``R`` results JSON, ``G`` N-Triples, ``E`` an error line."""
    try:
        result = _evaluate_here(store, text, source)
        if isinstance(result, ox.QueryTriples):
            return b"G" + (ox.serialize(list(result), format=ox.RdfFormat.N_TRIPLES) or b"")
        if isinstance(result, list):
            return b"G" + (ox.serialize(result, format=ox.RdfFormat.N_TRIPLES) or b"")
        return b"R" + (result.serialize(format=ox.QueryResultsFormat.JSON) or b"")
    except UsageError as error:
        return b"E" + str(error).encode("utf-8")
    except (OSError, ValueError) as exc:  # raised while the lazy result is evaluated
        if isinstance(exc, PermissionError) or "os error 13" in str(exc):
            return b"E" + f"{source}: the query tried to open a network connection (SERVICE); refused".encode()
        return b"E" + f"{source}: query failed: {exc}".encode()


def _evaluate_in_child(store: ox.Store, text: str, source: str) -> QueryResult:
    from .server.sandbox import SandboxUnavailable, seal

    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: sealed, evaluates on a large stack, writes the answer, exits
        code = 70
        try:
            os.close(read_end)
            quiet = os.open(os.devnull, os.O_WRONLY)
            os.dup2(quiet, 2)  # an engine abort prints a backtrace; the parent reports one line
            with contextlib.suppress(SandboxUnavailable):  # elsewhere the engine may still federate
                seal(process=True)
            answer: list[bytes] = []
            threading.stack_size(_QUERY_STACK)
            worker = threading.Thread(target=lambda: answer.append(_serialised(store, text, source)))
            worker.start()
            worker.join()
            view = memoryview(answer[0] if answer else b"E" + f"{source}: the query failed".encode())
            while view:
                view = view[os.write(write_end, view) :]
            code = 0
        except BaseException:
            code = 71
        finally:
            os._exit(code)
    os.close(write_end)
    chunks: list[bytes] = []
    try:
        while chunk := os.read(read_end, 1 << 20):
            chunks.append(chunk)
    finally:
        os.close(read_end)
    _, status = os.waitpid(pid, 0)
    data = b"".join(chunks)
    if not (os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0 and data):
        sys.stderr.flush()
        raise UsageError(
            f"{source}: the query engine crashed on this query (a known engine fault: ORDER BY over values "
            "of types it cannot compare, e.g. numbers and strings mixed); order by STR(?x) instead"
        )
    tag, body = data[:1], data[1:]
    if tag == b"E":
        raise UsageError(body.decode("utf-8", "replace"))
    if tag == b"G":
        return [quad.triple for quad in ox.parse(body, format=ox.RdfFormat.N_TRIPLES)]
    return ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)


def _plain(term: object) -> str | None:
    if term is None:
        return None
    if isinstance(term, ox.NamedNode | ox.BlankNode | ox.Literal):
        return term.value
    return str(term)


def select_rows(store: ox.Store, text: str) -> list[dict[str, str | None]]:
    """Rows of a SELECT query as dicts of plain strings (IRIs and literal values)."""
    result = run_query(store, text)
    if not isinstance(result, ox.QuerySolutions):
        raise UsageError("select_rows needs a SELECT query")
    names = [v.value for v in result.variables]
    return [{n: _plain(row[n]) for n in names} for row in result]


def _compact(term: object) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return compact_iri(term.value) or f"<{term.value}>"
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Literal):
        return term.value
    return str(term)


def _table(result: ox.QuerySolutions) -> str:
    names = [v.value for v in result.variables]
    rows = [[_compact(row[n]) for n in names] for row in result]
    widths = [max([len(n), *(len(r[i]) for r in rows)]) for i, n in enumerate(names)]
    rule = "  ".join("-" * w for w in widths)
    lines = ["  ".join(n.ljust(w) for n, w in zip(names, widths, strict=True)).rstrip(), rule]
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(lines) + "\n"


_RESULT_FORMATS = {
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
}
_GRAPH_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
    "rdfxml": ox.RdfFormat.RDF_XML,
}


def format_result(result: QueryResult, fmt: str | None = None) -> bytes:
    """Serialise a result: SPARQL results formats for SELECT/ASK, RDF for graphs.

    ``fmt`` defaults to ``table`` for SELECT and ASK and to ``turtle`` for CONSTRUCT/DESCRIBE.
    """
    if isinstance(result, ox.QueryTriples | list):
        fmt = fmt or "turtle"
        if fmt not in _GRAPH_FORMATS:
            raise UsageError(
                f"--format {fmt} does not fit a CONSTRUCT/DESCRIBE query; use one of: {', '.join(GRAPH_FORMATS)}"
            )
        triples = sorted(result, key=str)
        prefixes = PREFIXES if fmt in ("turtle", "rdfxml") else None
        return _ending_in_newline(ox.serialize(triples, format=_GRAPH_FORMATS[fmt], prefixes=prefixes) or b"")
    fmt = fmt or "table"
    if fmt not in SELECT_FORMATS:
        raise UsageError(f"--format {fmt} does not fit a SELECT/ASK query; use one of: {', '.join(SELECT_FORMATS)}")
    if fmt == "table":
        if isinstance(result, ox.QueryBoolean):
            return b"true\n" if bool(result) else b"false\n"
        return _table(result).encode("utf-8")
    return _ending_in_newline(result.serialize(format=_RESULT_FORMATS[fmt]) or b"")


def _ending_in_newline(data: bytes) -> bytes:
    """Output for a terminal or a file ends with a line break (JSON, XML and JSON-LD lack one)."""
    return data if not data or data.endswith(b"\n") else data + b"\n"
