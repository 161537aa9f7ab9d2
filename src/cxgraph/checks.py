"""Quality checks: SPARQL queries that return violations, run against the complete graph.

Each check is a file ``queries/checks/NAME.rq`` opening with a header block::

    # title: Concept without a definition
    # severity: error
    # description: Every concept needs a skos:definition …

and selecting ``?focus`` (the offending resource) and ``?message`` (what is wrong, in plain
words). Any row is a violation. The shipped checks whose SPARQL is slow on large vocabularies
are computed in Python with the same rows, from one shared reading of the store
(:mod:`cxgraph.native_checks`); their files remain the specification, and a check in another
folder always runs as written. Errors fail ``cxgraph check`` and stop ``cxgraph build``;
warnings are reported only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from .errors import UsageError
from .query import NamedQuery, read_named_query, run_query
from .resources import default_queries_dir

__all__ = ["CheckReport", "CheckRun", "Violation", "list_checks", "run_checks"]

if TYPE_CHECKING:  # the Python checks are imported when they run, not with cxgraph
    from .native_checks import Reading

    #: A check computed in Python: the store (or a shared reading of it) in, (focus, message) rows out.
    NativeCheck = Callable[[ox.Store | Reading], list[tuple[str, str]]]


@dataclass(frozen=True)
class Violation:
    """One row of one check."""

    check: str
    severity: str
    focus: str
    message: str


@dataclass(frozen=True)
class CheckReport:
    """What every check found."""

    checks: tuple[NamedQuery, ...]
    violations: tuple[Violation, ...]

    @property
    def errors(self) -> list[Violation]:
        return [v for v in self.violations if v.severity == "error"]

    @property
    def warnings(self) -> list[Violation]:
        return [v for v in self.violations if v.severity != "error"]

    @property
    def ok(self) -> bool:
        return not self.errors

    def render(self) -> str:
        """A readable report, grouped by check, ending with a one-line summary."""
        lines: list[str] = []
        for check in self.checks:
            found = [v for v in self.violations if v.check == check.name]
            if not found:
                continue
            severity = check.field("severity", "error").upper()
            lines.append(f"{severity} {check.name}: {check.title} ({len(found)})")
            for v in found:
                lines.append(f"  {v.focus}: {v.message}")
        n_err, n_warn = len(self.errors), len(self.warnings)
        verdict = "FAILED" if n_err else "passed"
        lines.append(
            f"check {verdict}: {len(self.checks)} checks, {n_err} error{'s' if n_err != 1 else ''}, "
            f"{n_warn} warning{'s' if n_warn != 1 else ''}"
        )
        return "\n".join(lines) + "\n"


def list_checks(directory: Path | None = None) -> list[NamedQuery]:
    """The check queries, sorted by name."""
    directory = directory if directory is not None else default_queries_dir() / "checks"
    return [read_named_query(p) for p in sorted(directory.glob("*.rq"))]


def _show(term: object) -> str:
    if isinstance(term, ox.NamedNode):
        return term.value
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Literal):
        return term.value
    return "" if term is None else str(term)


class CheckRun:
    """The checks of one folder against one store, in two parts that may run side by side.

    :meth:`sparql` evaluates the SPARQL checks in Oxigraph, which releases Python's global
    interpreter lock while it evaluates, so it can run in a second thread while the caller
    works; :meth:`native` runs the checks computed in Python (:mod:`cxgraph.native_checks`),
    which need the lock throughout and are best run in the caller's own thread. :meth:`report`
    puts the two parts together in the checks' order.
    """

    def __init__(self, store: ox.Store, directory: Path | None = None) -> None:
        from . import native_checks

        self.store = store
        self.checks = list_checks(directory)
        shipped = default_queries_dir() / "checks"
        self._severity: dict[str, str] = {}
        self._native: dict[str, NativeCheck] = {}
        for check in self.checks:
            severity = check.field("severity", "error").lower()
            if severity not in ("error", "warning"):
                raise UsageError(f"{check.path}: severity must be 'error' or 'warning', not '{severity}'")
            self._severity[check.name] = severity
            native = native_checks.NATIVE_CHECKS.get(check.name) if check.path.parent == shipped else None
            if native is not None:
                self._native[check.name] = native

    def _violations(self, check: NamedQuery, rows: set[tuple[str, str]]) -> list[Violation]:
        severity = self._severity[check.name]
        return [Violation(check.name, severity, focus, message) for focus, message in sorted(rows)]

    def sparql(self) -> list[Violation]:
        """The violations found by the checks that run as SPARQL."""
        violations: list[Violation] = []
        for check in self.checks:
            if check.name in self._native:
                continue
            result = run_query(self.store, check.text, source=str(check.path), isolated=False)
            if not isinstance(result, ox.QuerySolutions):
                raise UsageError(f"{check.path}: a check must be a SELECT query")
            violations += self._violations(check, {(_show(row["focus"]), _show(row["message"])) for row in result})
        return violations

    def native(self) -> list[Violation]:
        """The violations found by the checks computed in Python."""
        violations: list[Violation] = []
        from .native_checks import Reading

        reading = Reading(self.store)  # each property is read from the store once, for every check
        for check in self.checks:
            native = self._native.get(check.name)
            if native is not None:
                violations += self._violations(check, set(native(reading)))
        return violations

    def report(self, *parts: list[Violation]) -> CheckReport:
        """One report of the violations of every part, grouped in the checks' order."""
        order = {check.name: index for index, check in enumerate(self.checks)}
        violations = sorted((v for part in parts for v in part), key=lambda v: order[v.check])
        return CheckReport(checks=tuple(self.checks), violations=tuple(violations))


def run_checks(store: ox.Store, directory: Path | None = None) -> CheckReport:
    """Run every check against ``store`` (the complete graph)."""
    run = CheckRun(store, directory)
    return run.report(run.sparql(), run.native())
