"""Quality checks: SPARQL queries that return violations, run against the complete graph.

Each check is a file ``queries/checks/NAME.rq`` opening with a header block::

    # title: Concept without a definition
    # severity: error
    # description: Every concept needs a skos:definition …

and selecting ``?focus`` (the offending resource) and ``?message`` (what is wrong, in plain
words). Any row is a violation. Two checks whose SPARQL is slow on large vocabularies are
computed in Python with the same rows (:mod:`cxgraph.native_checks`); their files remain the
specification. Errors fail ``cxgraph check`` and stop ``cxgraph build``;
warnings are reported only. Checks run in Oxigraph, so they stay fast on large vocabularies.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from .errors import UsageError
from .native_checks import NATIVE_CHECKS
from .query import NamedQuery, read_named_query, run_query
from .resources import default_queries_dir

__all__ = ["CheckReport", "Violation", "list_checks", "run_checks"]


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


def run_checks(store: ox.Store, directory: Path | None = None) -> CheckReport:
    """Run every check against ``store`` (the complete graph)."""
    checks = list_checks(directory)
    shipped = default_queries_dir() / "checks"
    violations: list[Violation] = []
    for check in checks:
        severity = check.field("severity", "error").lower()
        if severity not in ("error", "warning"):
            raise UsageError(f"{check.path}: severity must be 'error' or 'warning', not '{severity}'")
        native = NATIVE_CHECKS.get(check.name) if check.path.parent == shipped else None
        if native is not None:
            rows = sorted(set(native(store)))
        else:
            result = run_query(store, check.text, source=str(check.path), isolated=False)
            if not isinstance(result, ox.QuerySolutions):
                raise UsageError(f"{check.path}: a check must be a SELECT query")
            rows = sorted(
                {(_show(row["focus"]), _show(row["message"])) for row in result},
            )
        violations.extend(Violation(check.name, severity, focus, message) for focus, message in rows)
    return CheckReport(checks=tuple(checks), violations=tuple(violations))
