"""Publishing the vocabulary for people: a static vocabulary site and a printable glossary."""

from __future__ import annotations

from .model import SiteModel, build_site_model

__all__ = ["SiteModel", "build_site_model"]
