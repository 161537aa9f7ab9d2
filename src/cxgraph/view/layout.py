"""Node positions for the two layouts of the view, computed once in Python.

* **Hierarchy**: a radial tree. Top concepts sit on the inner ring, each concept one ring further
  out than its tree parent, and every subtree gets an angle in proportion to its number of leaves,
  so subtrees never overlap. Linear in the number of concepts.
* **Network**: a force-directed layout (Fruchterman and Reingold with grid-based repulsion, as in the
  grid variant of their 1991 paper) that starts from the hierarchy and lets every edge pull. Only
  nodes in neighbouring grid cells repel each other, so an iteration costs time linear in the
  number of nodes and edges rather than quadratic.

Both are pure Python and seeded only by the vocabulary itself, so a rebuild gives the same
coordinates to the pixel. The page draws them with physics off and is interactive at once.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

from .model import Concept, Edge

__all__ = ["Layouts", "compute_layouts", "network_layout", "radial_tree_layout"]

Point = tuple[float, float]

#: Radial tree: distance between neighbouring nodes on a ring and between rings, in page pixels.
NODE_SPACING = 46.0
RING_GAP = 190.0
#: Force layout: ideal edge length (longer for mid-sized vocabularies), pull towards the centre.
IDEAL_EDGE = 110.0
IDEAL_EDGE_MID = 170.0
GRAVITY = 0.002
GRAVITY_EXACT = 0.03
#: Up to this many concepts every pair of nodes repels (exact); beyond, only grid neighbours do,
#: within CELL ideal edge lengths, for ITER iterations (measured to keep 5,000 concepts near 1.5 s).
EXACT_LIMIT = 250
CELL = 1.5
ITER = 40
#: Distance wanted between neighbouring top concepts, whose labels are large.
TOP_LABEL_ROOM = 200.0


@dataclass(frozen=True)
class Layouts:
    """Integer positions of every concept id in each layout."""

    hierarchy: dict[str, tuple[int, int]]
    network: dict[str, tuple[int, int]]


def radial_tree_layout(concepts: Sequence[Concept]) -> dict[str, Point]:
    """Radial tree positions from each concept's tree ``parent`` and ``depth``."""
    children: dict[str | None, list[Concept]] = defaultdict(list)
    for c in concepts:
        children[c.parent].append(c)
    for kids in children.values():
        kids.sort(key=lambda c: (c.group, c.pref_label.casefold(), c.id))
    # Roots: top-concept trees first, then the trees of concepts no top concept reaches.
    roots = sorted(children[None], key=lambda c: (not c.top, c.pref_label.casefold(), c.id))

    leaves: dict[str, int] = {}
    order: list[Concept] = []
    stack = list(roots)
    while stack:  # pre-order; leaves are counted afterwards in reverse
        c = stack.pop()
        order.append(c)
        stack.extend(children.get(c.id, ()))
    for c in reversed(order):
        leaves[c.id] = sum(leaves[k.id] for k in children.get(c.id, ())) or 1

    # Every tree gets at least half an even share of the circle, so small top concepts are not
    # crowded; within a tree, subtrees share their parent's angle in proportion to their leaves.
    total = sum(leaves[r.id] for r in roots) or 1
    floor = total / (2 * len(roots)) if roots else 0.0
    total_share = sum(max(float(leaves[r.id]), floor) for r in roots) or 1.0
    spans: list[tuple[Concept, float, float]] = []
    start = -math.pi / 2
    for r in roots:
        width = 2 * math.pi * max(float(leaves[r.id]), floor) / total_share
        spans.append((r, start, start + width))
        start += width
    narrowest = min((hi - lo for _, lo, hi in spans), default=2 * math.pi)

    depth_count: dict[int, int] = defaultdict(int)
    for c in concepts:
        depth_count[c.depth] += 1
    radius: dict[int, float] = {}
    previous = 0.0
    for depth in sorted(depth_count):
        crowded = depth_count[depth] * NODE_SPACING / (2 * math.pi)
        leafy = sum(leaves[c.id] for c in concepts if c.depth == depth and not children.get(c.id))
        needed = max(crowded, leafy * NODE_SPACING / (2 * math.pi) * 0.8)
        if depth == 0 and len(roots) > 1:  # room for the top concepts' labels on the inner ring
            needed = max(needed, RING_GAP * 1.4, min(TOP_LABEL_ROOM / narrowest, 4000.0))
        previous = max(previous + RING_GAP, needed)
        radius[depth] = previous
    if len(roots) > 1 and radius:
        # Keep the top concepts' ring a sizeable part of the picture, so that on big vocabularies
        # they are not a knot in the middle; outer rings move out to stay apart.
        depths = sorted(radius)
        radius[depths[0]] = max(radius[depths[0]], 0.3 * radius[depths[-1]])
        for before, depth in pairwise(depths):
            radius[depth] = max(radius[depth], radius[before] + RING_GAP)

    positions: dict[str, Point] = {}
    if len(roots) == 1 and roots[0].depth == 0:
        positions[roots[0].id] = (0.0, 0.0)
    while spans:
        c, lo, hi = spans.pop()
        if c.id not in positions:
            angle = (lo + hi) / 2
            rad = radius[c.depth]
            positions[c.id] = (rad * math.cos(angle), rad * math.sin(angle))
        kids = children.get(c.id, [])
        at = lo
        for k in kids:
            width = (hi - lo) * leaves[k.id] / leaves[c.id]
            spans.append((k, at, at + width))
            at += width
    return positions


def network_layout(
    concepts: Sequence[Concept],
    edges: Sequence[Edge],
    start: dict[str, Point],
    iterations: int | None = None,
) -> dict[str, Point]:
    """Force-directed positions, starting from ``start`` (normally the hierarchy layout)."""
    ids = [c.id for c in concepts]
    n = len(ids)
    if n == 0:
        return {}
    index = {ident: i for i, ident in enumerate(ids)}
    # Mid-sized vocabularies get longer edges; the largest stay near their hierarchy start,
    # which both reads better and keeps the grid cells sparse (measured: 5,000 concepts).
    k = IDEAL_EDGE_MID if EXACT_LIMIT < n <= 1200 else IDEAL_EDGE
    area_side = k * math.sqrt(n) * 1.6  # sets the first, largest steps
    xs = [start[i][0] for i in ids]
    ys = [start[i][1] for i in ids]
    pairs = sorted({(min(index[e.source], index[e.target]), max(index[e.source], index[e.target])) for e in edges})
    pairs = [(a, b) for a, b in pairs if a != b]
    if iterations is None:
        iterations = 150 if n <= EXACT_LIMIT else 80 if n <= 1200 else ITER

    # Small vocabularies afford exact all-pairs repulsion (one grid cell holds everything).
    exact = n <= EXACT_LIMIT
    cell = 1e12 if exact else CELL * k
    gravity = GRAVITY_EXACT if exact else GRAVITY
    k2 = k * k
    temperature = area_side / 10
    cooling = temperature / (iterations + 1)
    for _ in range(iterations):
        dx = [0.0] * n
        dy = [0.0] * n
        grid: dict[tuple[int, int], list[int]] = defaultdict(list)
        for i in range(n):
            grid[(math.floor(xs[i] / cell), math.floor(ys[i] / cell))].append(i)
        for (gx, gy), members in grid.items():
            near: list[int] = []
            for ox in (-1, 0, 1):
                for oy in (-1, 0, 1):
                    near.extend(grid.get((gx + ox, gy + oy), ()))
            for i in members:
                xi, yi = xs[i], ys[i]
                fx = fy = 0.0
                for j in near:
                    if j == i:
                        continue
                    ddx, ddy = xi - xs[j], yi - ys[j]
                    d2 = ddx * ddx + ddy * ddy
                    if d2 < 0.01:
                        ddx, ddy, d2 = 0.1 * ((i - j) % 3 - 1) + 0.05, 0.1, 0.0125
                    if d2 < cell * cell:
                        f = k2 / d2
                        fx += ddx * f
                        fy += ddy * f
                dx[i] += fx
                dy[i] += fy
        for a, b in pairs:
            ddx, ddy = xs[a] - xs[b], ys[a] - ys[b]
            d = math.sqrt(ddx * ddx + ddy * ddy) or 0.01
            f = d / k
            dx[a] -= ddx * f
            dy[a] -= ddy * f
            dx[b] += ddx * f
            dy[b] += ddy * f
        for i in range(n):
            # Gentle gravity keeps disconnected pieces from drifting away.
            dx[i] -= xs[i] * gravity
            dy[i] -= ys[i] * gravity
            d = math.sqrt(dx[i] * dx[i] + dy[i] * dy[i])
            if d > 0:
                step = min(d, temperature)
                xs[i] += dx[i] / d * step
                ys[i] += dy[i] / d * step
        temperature = max(temperature - cooling, k * 0.05)
    return {ident: (xs[i], ys[i]) for i, ident in enumerate(ids)}


def compute_layouts(concepts: Sequence[Concept], edges: Sequence[Edge]) -> Layouts:
    """Both layouts, rounded to whole pixels."""
    tree = radial_tree_layout(concepts)
    net = network_layout(concepts, edges, tree)

    def rounded(points: dict[str, Point]) -> dict[str, tuple[int, int]]:
        return {ident: (round(x), round(y)) for ident, (x, y) in points.items()}

    return Layouts(hierarchy=rounded(tree), network=rounded(net))
