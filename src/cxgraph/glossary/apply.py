"""Merging an import patch into ``ontology/``: all or nothing, and only if checks still pass."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from ..atomic import write_bytes_atomic
from ..checks import CheckReport, run_checks
from ..errors import UsageError, VocabularyError
from ..pipeline import complete
from ..resources import default_ontology_dir, is_installed_data
from ..vocab import Vocabulary, load_vocabulary
from .patch import Patch

__all__ = ["ApplyResult", "apply_patch", "check_patch", "import_path", "write_error"]


@dataclass(frozen=True)
class ApplyResult:
    """Where the patch went and what the checks said."""

    path: Path
    report: CheckReport


def import_path(patch: Patch, ontology_dir: Path | None = None) -> Path:
    """``ontology/imports/<source-slug>.ttl``, where ``--apply`` writes the patch."""
    directory = ontology_dir if ontology_dir is not None else default_ontology_dir()
    if is_installed_data(directory):
        raise UsageError(
            f"{directory} is the vocabulary installed with cxgraph, which --apply does not edit; "
            "pass --ontology DIR with the ontology/ folder of your own copy of the vocabulary"
        )
    return directory / "imports" / f"{patch.source_slug}.ttl"


def apply_patch(patch: Patch, ontology_dir: Path | None = None, vocabulary: Vocabulary | None = None) -> ApplyResult:
    """Write ``patch`` as a new file under ``ontology/imports/`` if the result passes every check.

    Raises :class:`VocabularyError` (exit 1), writing nothing, when the file already exists or
    when the vocabulary with the patch fails ``cxgraph check``, and :class:`UsageError` (exit 2)
    naming the file when it cannot be written (a full disk, say): then nothing is left behind,
    not even an empty ``imports/`` folder.
    """
    result = check_patch(patch, ontology_dir, vocabulary)
    try:
        write_bytes_atomic(result.path, patch.data())
    except OSError as exc:
        raise write_error(exc) from exc
    return result


def write_error(exc: OSError) -> UsageError:
    """The one-line error for a file an import could not write; nothing was written."""
    return UsageError(f"{exc.filename}: cannot write: {exc.strerror or exc}; nothing was written")


def check_patch(patch: Patch, ontology_dir: Path | None = None, vocabulary: Vocabulary | None = None) -> ApplyResult:
    """Everything :func:`apply_patch` does except writing: where the patch goes, and the checks.

    Raises :class:`VocabularyError` (exit 1) when the file already exists or when the
    vocabulary with the patch fails ``cxgraph check``.
    """
    target = import_path(patch, ontology_dir)
    if target.exists():
        raise VocabularyError(
            f"{target} already exists: this source was imported before. Review that file and delete it "
            "to import the glossary again, or pass --source-title with a different title"
        )
    base = vocabulary if vocabulary is not None else load_vocabulary(ontology_dir)
    store = ox.Store()
    store.bulk_extend(list(base.store))
    store.bulk_extend(list(ox.parse(patch.data(), format=ox.RdfFormat.TURTLE, base_iri=target.resolve().as_uri())))
    report = run_checks(complete(Vocabulary(store=store, files=(*base.files, target))).store)
    if not report.ok:
        before = run_checks(complete(base).store)
        new_errors = sorted(
            {(v.check, v.focus, v.message) for v in report.errors}
            - {(v.check, v.focus, v.message) for v in before.errors}
        )
        if not new_errors:
            detail = "the vocabulary already fails its checks without the import; run 'cxgraph check' and fix it first"
        else:
            shown = "; ".join(f"{check}: {focus}: {message}" for check, focus, message in new_errors[:10])
            more = f" (and {len(new_errors) - 10} more)" if len(new_errors) > 10 else ""
            detail = f"the import would break these checks: {shown}{more}"
        raise VocabularyError(f"not applied, nothing written to {target.parent}: {detail}")
    if target.exists():  # written meanwhile by someone else
        raise VocabularyError(f"{target} appeared while checking; nothing written")
    return ApplyResult(path=target, report=report)
