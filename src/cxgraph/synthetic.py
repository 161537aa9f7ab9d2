"""Synthetic SKOS vocabularies of any size, for benchmarks and scale tests.

``synthetic_turtle(n, seed)`` writes ``n`` concepts shaped like the real vocabulary: one scheme
with eight top concepts, a broader tree about six levels deep with some polyhierarchy (about 3 %
of concepts have a second broader concept), and about 1.5 asserted associative links per concept
(``cx:`` relations and plain ``skos:related``, never between a concept and its ancestors). Every
concept has a unique preferred label, an acronym-like alternative label, a misspelt hidden label,
a definition and one or two sources. The same ``n`` and ``seed`` always give the same text.

``write_synthetic_ontology(directory, n, seed)`` writes a complete ontology folder (the shipped
``cx.ttl`` plus ``concepts/synthetic.ttl`` and ``sources.ttl``) that ``--ontology`` accepts. The
synthetic text is English only, so its scheme declares English alone (the shipped ``cx.ttl``
declares five languages, whose labels live in ``ontology/languages/``).
"""

from __future__ import annotations

import random
import re
from pathlib import Path

from .resources import default_ontology_dir

__all__ = ["english_only_scheme", "synthetic_turtle", "write_synthetic_ontology"]

_DECLARED = re.compile(r"^    dct:language [^\n]*;\n(?:    cx:partialLanguage [^\n]*;\n)?", re.MULTILINE)


def english_only_scheme(cx_ttl: str) -> str:
    """The text of the shipped ``cx.ttl`` with its scheme declaring English alone.

    For vocabularies written only in English (the synthetic ones, small test vocabularies) that
    reuse the shipped scheme: otherwise every concept would lack its four other languages.
    """
    if not _DECLARED.search(cx_ttl):
        raise ValueError("cx.ttl does not declare its languages on one dct:language line")
    return _DECLARED.sub('    dct:language "en"^^xsd:language ;\n', cx_ttl)

_PREFIXES = """@prefix cx:   <https://w3id.org/cxgraph/ontology#> .
@prefix cxg:  <https://w3id.org/cxgraph/> .
@prefix dct:  <http://purl.org/dc/terms/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix src:  <https://w3id.org/cxgraph/source/> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .

"""

_TOPS = ("metric", "channel", "role", "process", "tool", "outcome", "survey", "policy")
_ADJECTIVES = (
    "active", "assisted", "automated", "average", "blended", "customer", "daily", "digital",
    "direct", "first", "global", "inbound", "internal", "live", "manual", "monthly", "net",
    "open", "outbound", "peak", "priority", "proactive", "quality", "remote", "repeat",
    "routed", "self-service", "shared", "social", "tiered", "total", "virtual", "weekly",
)
_NOUNS = (
    "abandonment", "agent", "backlog", "callback", "case", "contact", "conversation",
    "deflection", "effort", "escalation", "feedback", "handover", "inquiry", "journey",
    "knowledge", "loyalty", "message", "occupancy", "queue", "rating", "renewal", "reply",
    "request", "resolution", "response", "retention", "routing", "schedule", "session",
    "shift", "survey", "ticket", "transfer", "utilisation", "wait", "workload",
)
_RELATIONS = (
    "cx:measuredBy", "cx:contrastsWith", "cx:tracks", "cx:componentOf", "cx:usesTool",
    "skos:related", "skos:related",
)
_SOURCES = ("alpha-glossary", "beta-handbook", "gamma-wiki", "delta-guide", "epsilon-terms")


def _literal(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"@en'


def _misspell(label: str, rng: random.Random) -> str:
    letters = [
        i for i in range(len(label) - 1) if label[i].isalpha() and label[i + 1].isalpha() and label[i] != label[i + 1]
    ]
    if not letters:
        return label + "s"
    i = rng.choice(letters)
    return label[:i] + label[i + 1] + label[i] + label[i + 2 :]


def _level_sizes(n: int, tops: int, depth: int) -> list[int]:
    """How many concepts sit on each level below the top concepts (about ``depth`` levels)."""
    rest = n - tops
    if rest <= 0:
        return []
    branching = max(1.2, (rest / tops) ** (1 / max(1, depth - 1)))
    weights = [branching**k for k in range(1, depth)]
    total = sum(weights)
    sizes = [max(1, int(rest * w / total)) for w in weights]
    sizes[-1] += rest - sum(sizes)
    # At least two narrower concepts per top concept on the first level, when there are enough.
    want = min(2 * tops, rest) - sizes[0]
    if want > 0 and len(sizes) > 1:
        moved = min(want, sizes[-1] - 1)
        sizes[0] += moved
        sizes[-1] -= moved
    while sizes and sizes[-1] <= 0:  # tiny vocabularies: fold an empty tail back
        deficit = sizes.pop()
        sizes[-1] += deficit
    return sizes


def synthetic_turtle(n: int, seed: int = 0) -> str:
    """Turtle for ``n`` synthetic concepts in ``cxg:vocabulary`` (``n`` ≥ 1)."""
    if n < 1:
        raise ValueError("a synthetic vocabulary needs at least one concept")
    rng = random.Random(seed)
    tops = min(len(_TOPS), n)
    labels: list[str] = []
    used: set[str] = set()
    for i in range(n):
        if i < tops:
            label = f"{_TOPS[i]} concepts"
        else:
            label = f"{rng.choice(_ADJECTIVES)} {rng.choice(_NOUNS)} {rng.choice(_NOUNS)}"
            if label in used:
                label = f"{label} {i}"
        used.add(label)
        labels.append(label)

    parents: list[list[int]] = [[] for _ in range(n)]
    level_of = [0] * n
    previous = list(range(tops))
    start = tops
    for level, size in enumerate(_level_sizes(n, tops, 6), start=1):
        current = list(range(start, start + size))
        for position, i in enumerate(current):
            level_of[i] = level
            # The first level is dealt round-robin so that every top concept has narrower ones.
            parents[i].append(previous[position % len(previous)] if level == 1 else rng.choice(previous))
            if len(previous) > 1 and rng.random() < 0.03:
                other = rng.choice(previous)
                if other != parents[i][0]:
                    parents[i].append(other)
        previous, start = current, start + size

    ancestors: list[set[int]] = [set() for _ in range(n)]
    for i in range(n):  # parents always come earlier, so one pass suffices
        for p in parents[i]:
            ancestors[i] |= {p} | ancestors[p]

    related: list[list[tuple[str, int]]] = [[] for _ in range(n)]
    pairs: set[tuple[int, int]] = set()
    wanted = round(1.5 * n) if n > 1 else 0
    attempts = 0
    while len(pairs) < wanted and attempts < wanted * 20:
        attempts += 1
        a, b = rng.randrange(n), rng.randrange(n)
        key = (min(a, b), max(a, b))
        if a == b or key in pairs or a in ancestors[b] or b in ancestors[a]:
            continue
        pairs.add(key)
        related[a].append((rng.choice(_RELATIONS), b))

    slugs = [f"syn-{i:06d}" for i in range(n)]
    out = [_PREFIXES]
    for i in range(n):
        words = labels[i].split()
        acronym = "".join(w[0] for w in words if w[0].isalpha()).upper() + f"{i}"
        kind = _TOPS[i % tops] if level_of[i] == 0 else words[-1]
        lines = [
            f"cxg:{slugs[i]} a skos:Concept ;",
            "    skos:inScheme cxg:vocabulary ;",
            "    rdfs:isDefinedBy cxg:vocabulary ;",
            f"    skos:prefLabel {_literal(labels[i])} ;",
            f"    skos:altLabel {_literal(acronym)} ;",
            f"    skos:hiddenLabel {_literal(_misspell(labels[i], rng))} ;",
            f"    skos:definition {_literal(f'A synthetic {kind} used to measure how cxgraph scales (number {i}).')} ;",
        ]
        if level_of[i] == 0:
            lines.append("    skos:topConceptOf cxg:vocabulary ;")
        for p in parents[i]:
            lines.append(f"    skos:broader cxg:{slugs[p]} ;")
        for prop, other in related[i]:
            lines.append(f"    {prop} cxg:{slugs[other]} ;")
        for s in sorted(rng.sample(_SOURCES, rng.choice((1, 1, 2)))):
            lines.append(f"    dct:source src:{s} ;")
            lines.append(f"    prov:wasDerivedFrom src:{s} ;")
        lines[-1] = lines[-1][:-2] + " ."
        out.append("\n".join(lines) + "\n\n")
    return "".join(out)


def _sources_turtle() -> str:
    out = [_PREFIXES]
    for s in _SOURCES:
        title = s.replace("-", " ").title()
        out.append(f"src:{s} a foaf:Document ;\n    dct:title {_literal(title)} .\n\n")
    return "".join(out)


def write_synthetic_ontology(directory: Path, n: int, seed: int = 0) -> Path:
    """Write an ontology folder of ``n`` synthetic concepts into ``directory``; return it."""
    (directory / "concepts").mkdir(parents=True, exist_ok=True)
    scheme = (default_ontology_dir() / "cx.ttl").read_text(encoding="utf-8")
    (directory / "cx.ttl").write_text(english_only_scheme(scheme), encoding="utf-8")
    (directory / "concepts" / "synthetic.ttl").write_text(synthetic_turtle(n, seed), encoding="utf-8")
    (directory / "sources.ttl").write_text(_sources_turtle(), encoding="utf-8")
    return directory
