"""Turtle and RDF/XML rendered by a second process while the build goes on.

Oxigraph's serialisers read their triples from a Python iterator, so rendering holds the
interpreter lock throughout and a thread could not run beside the build's own Python work. A
forked child would share the build's memory copy-on-write, but every page the build writes
afterwards would then be held twice. So the build starts a fresh interpreter instead
(``python -m cxgraph.export.side NTRIPLES FORMAT OUT ...``): it reads the snapshot from the
N-Triples export, already written to the staging folder, and writes the other two files beside
it, streaming where the format allows, while the build process runs the checks computed in
Python and renders JSON-LD and CSV. It holds none of the build's memory, only its own.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from .rdf import rdfxml_from_file, turtle_from_file

__all__ = ["RENDERERS", "SideRendering", "main"]

#: Format name on the command line → the function writing that format from an N-Triples file.
RENDERERS: dict[str, Callable[[Path, Path], None]] = {"turtle": turtle_from_file, "rdfxml": rdfxml_from_file}


class SideRendering:
    """A second process writing Turtle and RDF/XML files from an N-Triples file."""

    def __init__(self, ntriples: Path, outputs: dict[str, Path]) -> None:
        unknown = set(outputs) - set(RENDERERS)
        if unknown:
            raise ValueError(f"no renderer for {', '.join(sorted(unknown))}")
        argv = [sys.executable, "-m", "cxgraph.export.side", str(ntriples)]
        for name, path in outputs.items():
            argv += [name, str(path)]
        self._process = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                          stderr=subprocess.PIPE)

    def wait(self) -> None:
        """Wait until every file is written; raise :class:`OSError` with the reason if one failed."""
        _, errors = self._process.communicate()
        if self._process.returncode != 0:
            reason = errors.decode("utf-8", "replace").strip().splitlines()
            raise OSError(
                "rendering Turtle and RDF/XML in a second process failed"
                + (f": {reason[-1]}" if reason else f" (exit status {self._process.returncode})")
            )

    def stop(self) -> None:
        """End the process if it is still running (the build was interrupted or failed)."""
        if self._process.poll() is None:
            self._process.kill()
            self._process.wait()


def main(argv: list[str] | None = None) -> int:
    """``NTRIPLES FORMAT OUT [FORMAT OUT ...]``: write each format from the N-Triples file."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) < 3 or len(args) % 2 == 0:
        print("usage: python -m cxgraph.export.side NTRIPLES FORMAT OUT [FORMAT OUT ...]", file=sys.stderr)
        return 2
    source = Path(args[0])
    for name, out in zip(args[1::2], args[2::2], strict=True):
        render = RENDERERS.get(name)
        if render is None:
            print(f"unknown format '{name}'; use one of: {', '.join(RENDERERS)}", file=sys.stderr)
            return 2
        try:
            render(source, Path(out))
        except (OSError, SyntaxError) as exc:
            print(f"{out}: cannot write it from {source}: {exc}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
