"""Placeholder replaced by the HTML view package."""

from __future__ import annotations

import pyoxigraph as ox

__all__ = ["render_view"]


def render_view(store: ox.Store) -> bytes:
    raise NotImplementedError
