"""Precision and recall of `cxgraph import` on the five real source glossaries, and its speed.

The source glossaries are not part of the project; pass the folder that holds them:

    .venv/bin/python benchmarks/import_seeds.py /work/shared/seeds

The expected term lists are the hand-made ones in tests/data/glossaries/*.expected.tsv (the test
glossaries there reproduce the term list of each source). Prints one line per glossary: entries
found, precision, recall, acronyms right, and how every entry matched the shipped vocabulary.
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from pathlib import Path

from cxgraph.glossary import VocabularyIndex, match_entries, read_glossary
from cxgraph.vocab import load_vocabulary

ROOT = Path(__file__).resolve().parent.parent
EXPECTED = ROOT / "tests" / "data" / "glossaries"
SEEDS = {
    "000_2b8d8fdd45c6786e.txt": "letter-headings",
    "001_1f3289c3caaa686a.txt": "blog-bullets",
    "002_d2d90fa948bc01ec.txt": "alternating",
    "003_c060104475437757.txt": "short-forms",
    "004_75d51d9905955c09.txt": "inline",
}


def expected(name: str) -> dict[str, str | None]:
    rows: dict[str, str | None] = {}
    for line in (EXPECTED / f"{name}.expected.tsv").read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        term, acronym = [*line.split("\t"), ""][:2]
        rows[term.casefold()] = acronym or None
    return rows


def main(folder: Path) -> int:
    started = time.perf_counter()
    index = VocabularyIndex.from_store(load_vocabulary().store)
    loaded = time.perf_counter() - started
    print(f"vocabulary indexed in {loaded * 1000:.0f} ms ({len(index.choices)} labels)")
    total_found = total_expected = total_hits = 0
    for seed, name in SEEDS.items():
        want = expected(name)
        t0 = time.perf_counter()
        glossary = read_glossary(folder / seed)
        matches = match_entries(glossary.entries, index)
        elapsed = time.perf_counter() - t0
        got = {e.term.casefold(): e.acronym for e in glossary.entries}
        hits = set(got) & set(want)
        acronyms = sum(1 for t in hits if got[t] == want[t])
        kinds = Counter(m.kind for m in matches)
        total_found, total_expected, total_hits = (
            total_found + len(got),
            total_expected + len(want),
            total_hits + len(hits),
        )
        print(
            f"{seed}  entries {len(got):3d}  expected {len(want):3d}  "
            f"precision {len(hits) / max(len(got), 1):6.1%}  recall {len(hits) / max(len(want), 1):6.1%}  "
            f"acronyms {acronyms}/{len(hits)}  {dict(sorted(kinds.items()))}  {elapsed * 1000:.0f} ms"
        )
        for term in sorted(set(got) - set(want)):
            print(f"    not a term: {term}")
        for term in sorted(set(want) - set(got)):
            print(f"    missed: {term}")
    print(
        f"all five: precision {total_hits / max(total_found, 1):.1%}, recall {total_hits / max(total_expected, 1):.1%}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("/work/shared/seeds")))
