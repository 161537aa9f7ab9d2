"""Turtle, JSON-LD and CSV rendered by a second process while the build goes on.

Oxigraph's serialisers read their triples from a Python iterator, and the JSON-LD and CSV
writers are Python, so rendering holds the interpreter lock throughout and a thread could not
run beside the build's own Python work. A forked child would share the build's memory
copy-on-write, but every page either process writes afterwards would then be held twice. So
the build starts a fresh interpreter instead (``python -m cxgraph.export.side``): it reads the
snapshot from the N-Triples export, already written to the staging folder, and writes these
files beside it, while the build process runs the checks computed in Python and then writes
RDF/XML from the same file (the two processes' shares take about as long). It holds none of
the build's memory, only its own work.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import threading
from pathlib import Path

from ..atomic import write_bytes_atomic
from ..languages import Languages, languages_from
from .rdf import turtle_from_file
from .tables import TABLE_FILES, render_tables

__all__ = ["ORPHANED", "SIDE_FILES", "SideRendering", "main", "render_side_files"]

#: The files the second process writes, in order.
SIDE_FILES = ("cxgraph.ttl", *TABLE_FILES)


def render_side_files(ntriples: Path, folder: Path, languages: Languages) -> None:
    """Write every file of :data:`SIDE_FILES` into ``folder`` from the N-Triples file ``ntriples``.

    Turtle comes first: it streams, holding little, while the build process holds the most
    (during its Python checks); JSON-LD and CSV, which hold every subject's description until
    the end, come after it, reading the file a block at a time.
    """
    turtle_from_file(ntriples, folder / "cxgraph.ttl")
    with ntriples.open("rb") as source:  # read a block at a time: the file is never held whole
        for name, data in render_tables(source, languages):
            write_bytes_atomic(folder / name, data)
            del data


class SideRendering:
    """A second process writing :data:`SIDE_FILES` into a folder from an N-Triples file."""

    def __init__(self, ntriples: Path, folder: Path, languages: Languages) -> None:
        argv = [sys.executable, "-m", "cxgraph.export.side", str(ntriples), str(folder), "--stop-at-eof",
                "--languages", ",".join(languages.declared), "--partial", ",".join(sorted(languages.partial))]
        # Its standard input is a pipe this process never writes to: when this process ends, killed
        # or not, the pipe closes and the second process stops too (see --stop-at-eof).
        self._process = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                          stderr=subprocess.PIPE)

    def wait(self) -> None:
        """Wait until every file is written; raise :class:`OSError` with the reason if one failed."""
        assert self._process.stderr is not None and self._process.stdin is not None
        errors = self._process.stderr.read()  # until the process ends (its reasons are short)
        self._process.wait()
        self._process.stderr.close()
        self._process.stdin.close()
        if self._process.returncode != 0:
            reason = errors.decode("utf-8", "replace").strip().splitlines()
            raise OSError(
                "rendering Turtle, JSON-LD and CSV in a second process failed"
                + (f": {reason[-1]}" if reason else f" (exit status {self._process.returncode})")
            )

    def stop(self) -> None:
        """End the process if it is still running (the build was interrupted or failed)."""
        if self._process.poll() is None:
            self._process.kill()
            self._process.wait()
        for pipe in (self._process.stdin, self._process.stderr):
            if pipe is not None:
                pipe.close()


#: The exit status when the process that started this one went away before it was done.
ORPHANED = 3


def _stop_at_end_of_input() -> None:
    """End this process as soon as its standard input reaches its end (the build process is gone)."""

    def watch() -> None:
        # The descriptor itself, not sys.stdin: a daemon thread blocked inside a buffered reader
        # would stop the interpreter from shutting down cleanly when the work is done.
        with contextlib.suppress(OSError):
            while os.read(0, 4096):
                pass
        os._exit(ORPHANED)

    threading.Thread(target=watch, name="cxgraph-build-watch", daemon=True).start()


def main(argv: list[str] | None = None) -> int:
    """Render the side files; the command line :class:`SideRendering` runs."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m cxgraph.export.side",
                                     description="Write cxgraph's Turtle, JSON-LD and CSV exports "
                                                 "from its sorted N-Triples export.")
    parser.add_argument("ntriples", type=Path, help="the N-Triples export (sorted, as cxgraph build writes it)")
    parser.add_argument("folder", type=Path, help="the folder to write the files into")
    parser.add_argument("--languages", default="en", help="the scheme's declared language tags, comma-separated")
    parser.add_argument("--partial", default="", help="the declared tags still being written, comma-separated")
    parser.add_argument("--stop-at-eof", action="store_true",
                        help=f"stop (exit status {ORPHANED}) as soon as standard input is closed: the build "
                             "process holds it open while it waits, so a killed build leaves no renderer behind")
    args = parser.parse_args(argv)
    if args.stop_at_eof:
        _stop_at_end_of_input()
    languages = languages_from(
        [t for t in args.languages.split(",") if t], [t for t in args.partial.split(",") if t]
    )
    try:
        render_side_files(args.ntriples, args.folder, languages)
    except (OSError, SyntaxError, ValueError) as exc:
        print(f"{args.folder}: cannot write the exports from {args.ntriples}: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
