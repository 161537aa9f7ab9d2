"""``cxgraph glossary``: the PDF printed by headless Chromium holds every preferred label and a
"see" entry for every alternative label (read back with poppler's pdftotext); HTML and Markdown too.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from cxgraph.pipeline import complete_store
from cxgraph.publish.model import build_site_model

from .conftest import skip_or_fail

pytestmark = pytest.mark.browser


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_pdf_has_every_term_and_see_entry(cli: object, tmp_path: Path) -> None:
    if not Path("/usr/bin/chromium").exists():
        skip_or_fail("/usr/bin/chromium is missing (apt-get install chromium)")
    if shutil.which("pdftotext") is None:
        skip_or_fail("pdftotext is missing (apt-get install poppler-utils)")
    pdf = tmp_path / "glossary.pdf"
    done = cli("glossary", "--format", "pdf", "--out", str(pdf), "-q")  # type: ignore[operator]
    assert done.returncode == 0, done.stderr
    text = flat(subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True,
                               check=True).stdout)
    model = build_site_model(complete_store())
    assert "Version 0.3.0" in text and "creativecommons.org/licenses/by/4.0" in text
    assert "Hierarchical listing" in text and "Permuted index" in text
    missing = [e.label for e in model.live() if e.label not in text]
    assert not missing, missing[:10]
    no_see = [
        f"{lab.value} see {e.label}"
        for e in model.live()
        for lab in e.labels
        if lab.kind in ("acronym", "alternative") and lab.value != e.label
        and lab.lang.lower() in ("", "en", "en-gb", "en-us")  # the glossary is printed in English
        and f"{lab.value} see {e.label}" not in text
    ]
    assert not no_see, no_see[:10]


def test_markdown_and_html(cli: object, tmp_path: Path) -> None:
    md, html = tmp_path / "g.md", tmp_path / "g.html"
    assert cli("glossary", "--format", "md", "--out", str(md), "-q").returncode == 0  # type: ignore[operator]
    assert cli("glossary", "--format", "html", "--out", str(html), "-q").returncode == 0  # type: ignore[operator]
    text = md.read_text(encoding="utf-8")
    assert "**CSAT** *see* Customer Satisfaction Score" in text
    assert "**Customer Satisfaction Score** (CSAT)" in text and "unit: percentage" in text
    page = html.read_text(encoding="utf-8")
    assert 'id="t-customer-satisfaction-score"' in page and "See also:" in page
