"""Social organizations (社会组织): a growable pool of arrays plus one Mesa agent each."""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
import numpy as np

from ..rules.requests import FIELDS
from ..rules.social_orgs import INITIAL_CAPACITY, INITIAL_REPUTATION

if TYPE_CHECKING:
    from ..model import CoGovModel

_ARRAYS = {"community": np.int64, "field": np.int64, "capacity": float, "quality": float,
           "reputation": float, "funds": float, "contract": float, "fees_due": float, "unfunded": np.int64,
           "born": np.int64, "alive": bool}


class SocialOrgPool:
    """State of every organization ever founded (dead ones keep ``alive = False``)."""

    community: np.ndarray
    field: np.ndarray
    capacity: np.ndarray
    quality: np.ndarray
    reputation: np.ndarray
    funds: np.ndarray
    contract: np.ndarray
    fees_due: np.ndarray
    """Outsourced-case fees billed last month (yuan), paid this month."""
    unfunded: np.ndarray
    born: np.ndarray
    alive: np.ndarray

    def __init__(self, reserve: int = 64) -> None:
        self.size = 0
        for name, dtype in _ARRAYS.items():
            setattr(self, name, np.zeros(reserve, dtype=dtype))

    def _grow(self, extra: int) -> None:
        need = self.size + extra
        cap = self.community.size
        if need <= cap:
            return
        new_cap = max(need, 2 * cap)
        for name in _ARRAYS:
            old = getattr(self, name)
            arr = np.zeros(new_cap, dtype=old.dtype)
            arr[: self.size] = old[: self.size]
            setattr(self, name, arr)

    def found(self, community: np.ndarray, field: np.ndarray, quality: np.ndarray,
              funds: float, month: int) -> np.ndarray:
        """Add organizations; returns their ids."""
        k = community.size
        self._grow(k)
        ids = np.arange(self.size, self.size + k)
        self.community[ids] = community
        self.field[ids] = field
        self.capacity[ids] = INITIAL_CAPACITY
        self.quality[ids] = quality
        self.reputation[ids] = INITIAL_REPUTATION
        self.funds[ids] = funds
        self.born[ids] = month
        self.alive[ids] = True
        self.size += k
        return ids

    def view(self, name: str) -> np.ndarray:
        """The live part of an array (all organizations founded so far)."""
        return getattr(self, name)[: self.size]

    def capacity_by(self, n_communities: int) -> np.ndarray:
        """Living capacity per (community, field), cases per month."""
        alive = self.view("alive")
        key = self.view("community") * len(FIELDS) + self.view("field")
        cap = np.bincount(key, weights=self.view("capacity") * alive,
                          minlength=n_communities * len(FIELDS)).astype(float)
        return cap.reshape(n_communities, len(FIELDS))

    def quality_by(self, n_communities: int) -> np.ndarray:
        """Capacity-weighted quality per (community, field); 0 where none."""
        alive = self.view("alive")
        key = self.view("community") * len(FIELDS) + self.view("field")
        w = self.view("capacity") * alive
        size = n_communities * len(FIELDS)
        num = np.bincount(key, weights=w * self.view("quality"), minlength=size).astype(float)
        den = np.bincount(key, weights=w, minlength=size).astype(float)
        q = np.divide(num, den, out=np.zeros_like(num), where=den > 0)
        return q.reshape(n_communities, len(FIELDS))


class SocialOrganization(mesa.Agent):
    """One social organization, as a view onto row ``org_id`` of the pool."""

    def __init__(self, model: CoGovModel, org_id: int) -> None:
        super().__init__(model)
        self.org_id = int(org_id)

    def state(self) -> dict[str, object]:
        pool: SocialOrgPool = self.model.orgs
        i = self.org_id
        return {"community": int(pool.community[i]), "field": FIELDS[pool.field[i]],
                "capacity": float(pool.capacity[i]), "quality": float(pool.quality[i]),
                "reputation": float(pool.reputation[i]), "funds": float(pool.funds[i]),
                "contract": float(pool.contract[i]), "alive": bool(pool.alive[i])}
