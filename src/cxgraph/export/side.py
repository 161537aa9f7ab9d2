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

import subprocess
import sys
from pathlib import Path

from ..atomic import write_bytes_atomic
from ..languages import Languages, languages_from
from .rdf import turtle_from_file
from .tables import TABLE_FILES, render_tables

__all__ = ["SIDE_FILES", "SideRendering", "main", "render_side_files"]

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
        argv = [sys.executable, "-m", "cxgraph.export.side", str(ntriples), str(folder),
                "--languages", ",".join(languages.declared), "--partial", ",".join(sorted(languages.partial))]
        self._process = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                          stderr=subprocess.PIPE)

    def wait(self) -> None:
        """Wait until every file is written; raise :class:`OSError` with the reason if one failed."""
        _, errors = self._process.communicate()
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
    args = parser.parse_args(argv)
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
