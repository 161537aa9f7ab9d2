"""Errors cxgraph reports to its users, each carrying the exit code the CLI uses."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .checks import CheckReport

__all__ = ["ChecksFailed", "CxgraphError", "InputError", "UsageError", "VocabularyError"]

#: Exit codes shared by every command.
EXIT_OK = 0
EXIT_INVALID = 1
EXIT_USAGE = 2


class CxgraphError(Exception):
    """Base class: a problem cxgraph can explain in one message."""

    exit_code = EXIT_USAGE

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class VocabularyError(CxgraphError):
    """The vocabulary cannot be read or fails its checks (exit 1)."""

    exit_code = EXIT_INVALID


class InputError(CxgraphError):
    """An input file or argument other than the vocabulary is unusable (exit 2)."""

    exit_code = EXIT_USAGE


class UsageError(CxgraphError):
    """The command was called wrongly, or a query is malformed (exit 2)."""

    exit_code = EXIT_USAGE


class ChecksFailed(VocabularyError):
    """The vocabulary fails its checks (exit 1); ``report`` says which and where."""

    def __init__(self, report: CheckReport, message: str = "the vocabulary fails its checks") -> None:
        super().__init__(message)
        self.report = report
