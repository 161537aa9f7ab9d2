"""The vocabulary as a network (networkx): statistics and paths between concepts.

The network is read from the same model the HTML view draws (:mod:`cxgraph.view.model`):
one node per concept, one edge per drawn link, each edge carrying its relation name
(``broader``, ``measured by``, ``contrasts with`` …) and pointing the way the relation reads.
"""

from __future__ import annotations

import itertools
from collections import Counter
from dataclasses import dataclass
from typing import Any

import networkx as nx

from .view.model import ViewModel

__all__ = ["NetworkStats", "PathStep", "concept_network", "network_stats", "shortest_path"]


def concept_network(model: ViewModel) -> nx.MultiDiGraph:
    """Concepts as nodes (slug ids, with ``label`` and ``top``), links as labelled edges."""
    names = {r.key: r.label for r in model.relations}
    directed = {r.key: r.directed for r in model.relations}
    graph = nx.MultiDiGraph()
    for c in model.concepts:
        graph.add_node(c.id, label=c.pref_label, top=c.top, depth=c.depth)
    for e in model.edges:
        graph.add_edge(e.source, e.target, relation=names.get(e.kind, e.kind), directed=directed.get(e.kind, True))
    return graph


@dataclass(frozen=True)
class NetworkStats:
    """Figures that describe the shape of a vocabulary."""

    concepts: int
    top_concepts: int
    links: dict[str, int]
    deepest: int
    polyhierarchy: int
    widest: tuple[str, int]
    components: int
    largest_component: int
    hubs: list[tuple[str, int]]
    central: list[tuple[str, float]]

    def as_dict(self) -> dict[str, Any]:
        return {
            "concepts": self.concepts,
            "top_concepts": self.top_concepts,
            "links": self.links,
            "deepest_level": self.deepest,
            "concepts_with_several_broader": self.polyhierarchy,
            "largest_fan_out": {"concept": self.widest[0], "narrower": self.widest[1]},
            "connected_components": self.components,
            "largest_component": self.largest_component,
            "most_linked": [{"concept": c, "links": n} for c, n in self.hubs],
            "most_central": [{"concept": c, "betweenness": round(r, 5)} for c, r in self.central],
        }


def network_stats(model: ViewModel, top: int = 5) -> NetworkStats:
    """Counts, hierarchy depth, connectivity and the most linked and most central concepts."""
    graph = concept_network(model)
    simple = nx.Graph(graph)
    components = list(nx.connected_components(simple)) if len(simple) else []
    labels = nx.get_node_attributes(graph, "label")
    degree = sorted(((labels[n], d) for n, d in simple.degree()), key=lambda x: (-x[1], x[0]))
    # Betweenness: how many shortest paths between other concepts pass through a concept.
    # Sampled (deterministically) on large vocabularies, where the exact figure is quadratic.
    sample = min(len(simple), 300)
    rank = nx.betweenness_centrality(simple, k=sample, seed=0) if len(simple) > 2 else {}
    central = sorted(((labels[n], r) for n, r in rank.items()), key=lambda x: (-x[1], x[0]))
    return NetworkStats(
        concepts=len(model.concepts),
        top_concepts=sum(1 for c in model.concepts if c.top),
        links=dict(sorted(Counter(d["relation"] for _, _, d in graph.edges(data=True)).items())),
        deepest=max((c.depth for c in model.concepts), default=0),
        polyhierarchy=sum(1 for c in model.concepts if len(c.broader) > 1),
        widest=max(
            ((c.pref_label, len(c.narrower)) for c in model.concepts), key=lambda x: (x[1], x[0]), default=("", 0)
        ),
        components=len(components),
        largest_component=max((len(c) for c in components), default=0),
        hubs=degree[:top],
        central=central[:top],
    )


@dataclass(frozen=True)
class PathStep:
    """One link walked on a path: from a concept, by a relation, to the next concept.

    ``forward`` is False for a link followed against its direction; ``directed`` is False for a
    symmetric relation (``related``, ``contrasts with``), which has no direction to follow.
    """

    source: str
    relation: str
    target: str
    forward: bool
    directed: bool = True


def shortest_path(model: ViewModel, start: str, end: str) -> list[PathStep]:
    """The fewest links from ``start`` to ``end`` (slugs), following links either way.

    Raises :class:`networkx.NetworkXNoPath` when the two are not connected.
    """
    graph = concept_network(model)
    nodes = nx.shortest_path(graph.to_undirected(as_view=True), start, end)
    labels = nx.get_node_attributes(graph, "label")
    steps = []
    for a, b in itertools.pairwise(nodes):
        forward = graph.has_edge(a, b)
        data = graph.get_edge_data(a, b) if forward else graph.get_edge_data(b, a)
        relation, directed = sorted((d["relation"], d["directed"]) for d in data.values())[0]
        steps.append(PathStep(labels[a], relation, labels[b], forward or not directed, directed))
    return steps
