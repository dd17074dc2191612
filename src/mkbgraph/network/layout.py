"""Positions for the network view: a force-directed layout that stays fast at any size we serve.

Small graphs (up to `SPRING_MAX_NODES`) get networkx's own spring layout. Larger ones get
`mesh_layout`, Fruchterman-Reingold with the repulsion computed on a mesh (the particle-mesh
method of n-body codes): node counts are binned on a G x G grid and convolved with the
repulsion kernel by FFT, so every node feels every other node in O(n + G² log G) per
iteration; only pairs closer than about one ideal edge length are repelled exactly (k-d tree).

Why not the k-d tree "grid variant" used before: it repelled only pairs within twice the ideal
edge length, so nothing held a big graph apart; gravity and the edges pulled the 62k-node
synthetic graph into a clump, the pair count grew from 0.4 to 14 million per iteration and the
layout took 318 s. With long-range repulsion the density stays even, the close-pair count stays
near 7 per node and the same graph takes about 9 s. Iterations are also capped by a work budget
(`LAYOUT_WORK_BUDGET` node and edge updates): the 100x graph keeps all 50, a graph ten times
larger again would get 11, so its layout time grows about twice, not ten times.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
from scipy.spatial import cKDTree

#: Up to this many nodes networkx's own spring layout is used (exact, and quick below 500 nodes).
SPRING_MAX_NODES = 500
#: Node plus edge updates the mesh layout may spend in total; iterations are cut to fit, never below 10.
LAYOUT_WORK_BUDGET = 25_000_000
MIN_ITERATIONS = 10
#: Pull towards the centre per unit of distance: keeps components and loose nodes in view.
GRAVITY = 6.0
#: Largest step of a node in the first iteration (the layout spans about [-1, 1]²); cools linearly.
START_TEMPERATURE = 0.2


def compute_layout(full: nx.MultiDiGraph, iterations: int, seed: int) -> dict[str, tuple[float, float]]:
    """Positions in [-1, 1]² for every node of the full graph: seeded and reproducible.

    Nodes and edges are put in sorted order first: the projection's order follows rdflib's
    iteration order, which differs between processes, and the layout depends on it.
    """
    simple = nx.Graph()
    simple.add_nodes_from(sorted(full.nodes))
    simple.add_edges_from(sorted({(u, v) if u <= v else (v, u) for u, v in full.edges() if u != v}))
    if simple.number_of_nodes() == 0:
        return {}
    if simple.number_of_nodes() <= SPRING_MAX_NODES:
        found = nx.spring_layout(simple, iterations=iterations, seed=seed)
        positions = {node: (float(x), float(y)) for node, (x, y) in found.items()}
    else:
        positions = mesh_layout(
            simple, capped_iterations(simple.number_of_nodes() + simple.number_of_edges(), iterations), seed
        )
    return {node: (round(x, 5), round(y, 5)) for node, (x, y) in positions.items()}


def capped_iterations(work: int, iterations: int) -> int:
    """`iterations`, cut so that iterations x `work` (nodes + edges) stays within the work budget."""
    return max(min(iterations, LAYOUT_WORK_BUDGET // max(work, 1)), min(iterations, MIN_ITERATIONS))


def mesh_size(count: int) -> int:
    """Cells per side of the repulsion mesh: about √n (one cell per ideal edge length), 32 to 256."""
    return int(min(256, max(32, 2 ** np.ceil(np.log2(np.sqrt(count))))))


def repulsion_kernels(size: int) -> tuple[np.ndarray, np.ndarray]:
    """FFTs of the x and y repulsion d/|d|² on a 2G x 2G grid of cell offsets (zero at no offset).

    The grid is twice the mesh so the circular FFT convolution does not wrap around.
    """
    offsets = np.arange(-size, size)
    dx, dy = np.meshgrid(offsets, offsets, indexing="ij")
    squared = (dx**2 + dy**2).astype(float)
    squared[size, size] = np.inf
    return np.fft.rfft2(np.fft.ifftshift(dx / squared)), np.fft.rfft2(np.fft.ifftshift(dy / squared))


def mesh_repulsion(
    position: np.ndarray, ideal: float, size: int, kernels: tuple[np.ndarray, np.ndarray]
) -> tuple[np.ndarray, float]:
    """The repulsion ideal² · d/|d|² summed over all other nodes, per node, and the cell width.

    Nodes are counted into the cells of a size x size mesh over their bounding box; the
    convolution of the counts with the kernel gives the force at each cell; a node takes its
    cell's force. Nodes in the same cell do not push each other here (the caller adds that).
    """
    low = position.min(axis=0)
    cell = max(float((position.max(axis=0) - low).max()), 1e-9) / size * (1 + 1e-9)
    cells = np.minimum(((position - low) / cell).astype(np.int64), size - 1)
    mass = np.zeros((2 * size, 2 * size))
    np.add.at(mass, (cells[:, 0], cells[:, 1]), 1.0)
    spectrum = np.fft.rfft2(mass)
    strength = ideal * ideal / cell  # the kernel is in cell units
    force = np.empty((len(position), 2))
    for axis, kernel in enumerate(kernels):
        field = np.fft.irfft2(spectrum * kernel, s=mass.shape)
        force[:, axis] = field[cells[:, 0], cells[:, 1]] * strength
    return force, cell


def mesh_layout(graph: nx.Graph, iterations: int, seed: int) -> dict[str, tuple[float, float]]:
    """Fruchterman-Reingold with mesh (FFT) repulsion, vectorised with numpy; scaled into [-1, 1]²."""
    nodes = list(graph.nodes)
    index = {node: i for i, node in enumerate(nodes)}
    count = len(nodes)
    edges = np.array([(index[u], index[v]) for u, v in graph.edges() if u != v], dtype=np.int64).reshape(
        -1, 2
    )
    position = np.random.default_rng(seed).uniform(-1.0, 1.0, (count, 2))
    ideal = np.sqrt(4.0 / count)
    size = mesh_size(count)
    kernels = repulsion_kernels(size)
    temperature = START_TEMPERATURE
    cooling = temperature / (iterations + 1)

    def accumulate(target: np.ndarray, at: np.ndarray, force: np.ndarray, sign: float) -> None:
        for axis in (0, 1):
            target[:, axis] += sign * np.bincount(at, weights=force[:, axis], minlength=count)

    for _ in range(iterations):
        shift, cell = mesh_repulsion(position, ideal, size, kernels)
        pairs = cKDTree(position).query_pairs(min(ideal, cell), output_type="ndarray")
        if len(pairs):  # exact repulsion where the mesh is too coarse: nodes sharing a cell
            delta = position[pairs[:, 0]] - position[pairs[:, 1]]
            push = delta * (ideal * ideal / np.maximum((delta**2).sum(axis=1), 1e-12))[:, None]
            accumulate(shift, pairs[:, 0], push, 1.0)
            accumulate(shift, pairs[:, 1], push, -1.0)
        if len(edges):
            delta = position[edges[:, 0]] - position[edges[:, 1]]
            pull = delta * (np.sqrt((delta**2).sum(axis=1)) / ideal)[:, None]
            accumulate(shift, edges[:, 0], pull, -1.0)
            accumulate(shift, edges[:, 1], pull, 1.0)
        shift -= GRAVITY * position
        length = np.maximum(np.sqrt((shift**2).sum(axis=1)), 1e-12)
        position += shift / length[:, None] * np.minimum(length, temperature)[:, None]
        temperature -= cooling
    position -= position.mean(axis=0)
    position /= max(float(np.abs(position).max()), 1e-12)
    return {node: (float(position[i, 0]), float(position[i, 1])) for i, node in enumerate(nodes)}


def layout_quality(
    graph: nx.Graph, positions: dict[str, tuple[float, float]], seed: int = 1
) -> dict[str, float]:
    """Figures to compare layouts by (bench and tests), all scale-free:

    - edge_ratio: mean edge length / mean distance of random node pairs (lower: neighbours closer);
    - crowded: share of nodes whose nearest node is closer than a tenth of the even spacing 2/√n;
    - spacing: median nearest-node distance / 2/√n (higher: nodes and labels overlap less).
    """
    nodes = list(graph.nodes)
    if len(nodes) < 2:
        return {"edge_ratio": 0.0, "crowded": 0.0, "spacing": 0.0}
    index = {node: i for i, node in enumerate(nodes)}
    points = np.array([positions[n] for n in nodes], dtype=float)
    rng = np.random.default_rng(seed)
    first, second = rng.integers(0, len(nodes), (2, 20_000))
    pair_mean = float(np.linalg.norm(points[first] - points[second], axis=1).mean())
    edges = np.array([(index[u], index[v]) for u, v in graph.edges() if u != v], dtype=np.int64).reshape(
        -1, 2
    )
    edge_mean = (
        float(np.linalg.norm(points[edges[:, 0]] - points[edges[:, 1]], axis=1).mean()) if len(edges) else 0.0
    )
    nearest, _ = cKDTree(points).query(points, k=2)
    even = 2 / np.sqrt(len(nodes))
    return {
        "edge_ratio": round(edge_mean / max(pair_mean, 1e-12), 3),
        "crowded": round(float((nearest[:, 1] < 0.1 * even).mean()), 3),
        "spacing": round(float(np.median(nearest[:, 1]) / even), 3),
    }
