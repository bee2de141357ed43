"""Residents' social network: neighbours and acquaintances within each community.

A Watts–Strogatz small world per community (Watts & Strogatz 1998): each resident is
tied to her ``degree`` nearest neighbours on a ring (the building and the lane; an odd
``degree`` is rounded down to the even number below, as the ring is symmetric), and each
tie is rewired with probability ``rewiring`` to a random member of the same community
(acquaintances met elsewhere). The graph is generated directly as arrays — networkx's
generator would cost seconds at county scale — and :func:`to_networkx` gives a networkx
view for analysis. All draws come from the model's generator.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
from scipy import sparse


def small_world(rng: np.random.Generator, starts: np.ndarray, sizes: np.ndarray, degree: int,
                rewiring: float) -> sparse.csr_matrix:
    """Symmetric 0/1 adjacency of residents ``0..N-1`` grouped in contiguous communities."""
    n = int(sizes.sum())
    community = np.repeat(np.arange(sizes.size), sizes)
    pos = np.arange(n) - starts[community]
    size = sizes[community]
    half = max(1, degree // 2)
    src, dst = [], []
    for k in range(1, half + 1):
        ok = size > k
        s = np.flatnonzero(ok)
        d = starts[community[s]] + (pos[s] + k) % size[s]
        src.append(s)
        dst.append(d)
    src_a = np.concatenate(src)
    dst_a = np.concatenate(dst)
    rewire = rng.random(src_a.size) < rewiring
    c = community[src_a[rewire]]
    dst_a[rewire] = starts[c] + (rng.random(c.size) * sizes[c]).astype(np.int64)
    keep = src_a != dst_a
    src_a, dst_a = src_a[keep], dst_a[keep]
    data = np.ones(2 * src_a.size)
    adj = sparse.csr_matrix((data, (np.concatenate([src_a, dst_a]), np.concatenate([dst_a, src_a]))),
                            shape=(n, n))
    adj.data[:] = 1.0  # duplicate ties collapse to one
    return adj


def to_networkx(adjacency: sparse.csr_matrix) -> nx.Graph:
    """The network as a networkx graph (nodes are resident indices)."""
    return nx.from_scipy_sparse_array(adjacency)
