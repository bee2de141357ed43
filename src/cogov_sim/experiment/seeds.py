"""Seeds of runs, from one :class:`numpy.random.SeedSequence` tree.

Every run's seed is a pure function of ``(root_seed, design point, replication)``:
the node of the tree at ``spawn_key = (point_id, replication)`` below the root. It is
derived in the parent process before any run starts and shipped with the run, so results
do not depend on how many workers there are or in which order runs finish (the lesson of
Axelrod issue #1277 and of SALib's chunked ``evaluate``, see ``research/sa_tools.md``).

**Common random numbers (the default).** With ``common_random_numbers=True`` the key
omits the design point, ``spawn_key = (replication,)``: replication *r* of every
scenario starts from the same seed, so all scenarios share the same township — the same
residents, network and initial organizations — and the same stream of random draws until
their policies make them diverge. Differences between scenarios within a replication are
then *paired*, and most of the run-to-run noise cancels out of the comparison (Law,
*Simulation Modeling and Analysis*, 5th ed., 2015, section 11.2). Set it to ``false`` to
give each design point independent seeds.

**Other seeds** (designs, bootstraps, seeds of a callable's evaluations in the sensitivity
analysis) come from the same function, :func:`keyed_seed`, at other nodes of the tree:
the model's runs use keys of length 1 or 2, so the analysis uses keys of length 3.
"""

from __future__ import annotations

import numpy as np

SEED_BITS = 63  # seeds fit a signed 64-bit integer (JSON, Parquet, numpy all agree)


def seed_sequence(root_seed: int, point_id: int, replication: int,
                  common_random_numbers: bool = True) -> np.random.SeedSequence:
    """The node of the seed tree for one run."""
    if root_seed < 0 or point_id < 0 or replication < 0:
        raise ValueError("root_seed, point_id and replication must be non-negative")
    key = (replication,) if common_random_numbers else (point_id, replication)
    return np.random.SeedSequence(root_seed, spawn_key=key)


def keyed_seed(root_seed: int, *keys: int) -> int:
    """The integer seed at node ``spawn_key = keys`` below ``root_seed`` of the seed tree.

    The one function every seed in the package is derived with: a pure function of its
    arguments, independent of evaluation order, batching and worker count.

    Returns
    -------
    int
        A seed in ``[0, 2**63)``.

    Examples
    --------
    >>> keyed_seed(1, 3) == derive_seed(1, 0, 3)
    True
    >>> keyed_seed(1, 2, 3) == keyed_seed(1, 3, 2)
    False
    """
    if root_seed < 0 or any(k < 0 for k in keys):
        raise ValueError("root_seed and keys must be non-negative")
    sequence = np.random.SeedSequence(int(root_seed), spawn_key=tuple(int(k) for k in keys))
    return int(sequence.generate_state(1, dtype=np.uint64)[0]) >> (64 - SEED_BITS)


def derive_seed(root_seed: int, point_id: int, replication: int,
                common_random_numbers: bool = True) -> int:
    """The integer seed of run ``(point_id, replication)`` under ``root_seed``.

    Parameters
    ----------
    root_seed
        Root of the tree (the spec's ``root_seed``).
    point_id, replication
        Which run. With ``common_random_numbers`` (default) ``point_id`` is ignored, so
        every design point's replication *r* gets the same seed (paired comparisons).

    Returns
    -------
    int
        A seed in ``[0, 2**63)``, recorded in the manifest and passed to
        :func:`cogov_sim.runner.simulate`.

    Examples
    --------
    >>> derive_seed(1, 0, 3) == derive_seed(1, 7, 3)
    True
    >>> derive_seed(1, 0, 3, common_random_numbers=False) == derive_seed(1, 7, 3, False)
    False
    """
    if root_seed < 0 or point_id < 0 or replication < 0:
        raise ValueError("root_seed, point_id and replication must be non-negative")
    key = (replication,) if common_random_numbers else (point_id, replication)
    return keyed_seed(root_seed, *key)


__all__ = ["derive_seed", "keyed_seed", "seed_sequence"]
