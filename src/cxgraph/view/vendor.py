"""The third-party graph drawing library the page inlines: vis-network.

cxgraph does not copy vis-network into its own tree: it reads the standalone, minified build that
the ``pyvis`` package (a cxgraph dependency) ships, and inlines it with its licence banner intact
(vis-network is dual licensed, Apache-2.0 or MIT). The package is located without importing it,
so building the view does not pay for pyvis's own imports.
"""

from __future__ import annotations

import importlib.util
import re
from functools import lru_cache
from pathlib import Path

from ..errors import UsageError

__all__ = ["vis_network_js", "vis_network_path"]

_VERSION = re.compile(r"vis-(\d+(?:\.\d+)*)$")


def vis_network_path() -> Path:
    """The newest ``vis-network.min.js`` inside the installed pyvis package."""
    spec = importlib.util.find_spec("pyvis")
    if spec is None or not spec.submodule_search_locations:
        raise UsageError("the HTML view needs the 'pyvis' package (it ships vis-network); pip install pyvis")
    candidates: list[tuple[tuple[int, ...], Path]] = []
    for root in spec.submodule_search_locations:
        for path in Path(root).glob("**/vis-*/vis-network.min.js"):
            match = _VERSION.search(path.parent.name)
            if match:
                candidates.append((tuple(int(p) for p in match.group(1).split(".")), path))
    if not candidates:
        raise UsageError("the installed pyvis package has no vis-network.min.js; reinstall pyvis>=0.3.2")
    return max(candidates)[1]


@lru_cache(maxsize=1)
def vis_network_js() -> str:
    """The library's source, licence banner first, safe to place inside a ``<script>`` element."""
    text = vis_network_path().read_text(encoding="utf-8")
    if "@license" not in text[:2000]:
        raise UsageError(f"{vis_network_path()}: expected vis-network's licence banner at the top of the file")
    return text.replace("</script", "<\\/script")
