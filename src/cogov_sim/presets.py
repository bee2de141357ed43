"""Scenario presets kept as data (``presets/*.toml``), each value with its rationale.

A preset file has a ``description`` (and ``description_zh``), optionally ``extends`` another
preset, and a ``[values]`` table whose entries are ``{ value = ..., why = "..." }``. Values
not named keep the preset it extends, or the parameter default.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from .params import ParameterError, Params, check_names, suggest

ORDER = ("baseline", "taicang_1_0", "taicang_2_0", "taicang_3_0", "shanghai", "chengdu")


@dataclass(frozen=True, slots=True)
class Preset:
    name: str
    description: str
    description_zh: str
    extends: str | None
    values: dict[str, Any]
    why: dict[str, str]


def preset_names() -> tuple[str, ...]:
    files = {p.name.removesuffix(".toml") for p in resources.files(__package__).joinpath("presets").iterdir()
             if p.name.endswith(".toml")}
    return tuple([n for n in ORDER if n in files] + sorted(files - set(ORDER)))


@cache
def preset(name: str) -> Preset:
    """The preset ``name`` as data (unknown names raise with a suggestion)."""
    names = preset_names()
    if name not in names:
        raise ParameterError(f"unknown scenario '{name}'{suggest(name, names)}; "
                             f"allowed: {', '.join(names)}")
    text = resources.files(__package__).joinpath("presets", f"{name}.toml").read_text("utf-8")
    data = tomllib.loads(text)
    table = data.get("values", {})
    check_names(table, where=f"parameter in preset {name}")
    return Preset(name=name, description=data["description"],
                  description_zh=data.get("description_zh", ""), extends=data.get("extends"),
                  values={k: v["value"] for k, v in table.items()},
                  why={k: v["why"] for k, v in table.items()})


def preset_values(name: str) -> dict[str, Any]:
    """All values a preset sets, its ancestors' included."""
    p = preset(name)
    inherited = preset_values(p.extends) if p.extends else {}
    return {**inherited, **p.values}


def load_preset(name: str, **overrides: Any) -> Params:
    """Parameters of preset ``name`` with ``overrides`` applied on top.

    ``communities=`` builds the township from a community table (a
    :class:`~cogov_sim.communities.CommunityTable`, a packaged table's name such as
    ``"taicang_township"`` or a path to a CSV file) or as that many equal communities (a
    whole number); without it the communities are ``n_communities`` of equal size.
    Other size overrides apply after the table (``n_residents`` scales it)."""
    return Params().replace(**{**preset_values(name), **overrides})
