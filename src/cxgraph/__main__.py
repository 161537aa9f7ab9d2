"""``python -m cxgraph``: the same as the ``cxgraph`` command."""

from .cli import run

if __name__ == "__main__":
    run()
