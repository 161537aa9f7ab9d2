"""Publishing the vocabulary for people: a static vocabulary site and a printable glossary.

The modules are imported where they are used (``cxgraph.publish.site``,
``cxgraph.publish.glossary``, ``cxgraph.publish.model``), so that registering the ``site`` and
``glossary`` commands keeps ``cxgraph --help`` and ``cxgraph query`` from loading the view code.
"""

from __future__ import annotations

__all__: list[str] = []
