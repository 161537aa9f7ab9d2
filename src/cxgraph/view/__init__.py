"""The HTML graph view: one self-contained page to explore the vocabulary."""

from __future__ import annotations

from .page import render_view

__all__ = ["render_view"]
