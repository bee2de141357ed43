"""Reading TOML spec files with one-line errors, and the constants every spec kind shares.

No pydantic here: runs import this module, spec loading alone imports :mod:`cogov_sim.schema`.
"""

from __future__ import annotations

import codecs
import tomllib
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)  # UTF-32 LE starts like UTF-16 LE
MAX_SEED = 2**63 - 1
MAX_REPLICATIONS = 100_000
SIZE_KEYS = {"months": "months", "residents": "n_residents", "communities": "n_communities",
             "residents_per_agent": "residents_per_agent", "spinup_months": "spinup_months"}
"""Top-level spec keys that set run sizes, and the ``Params`` names they set (every kind's
sizes; the schema in :mod:`cogov_sim.schema` declares their values)."""


def read_toml(path: str | Path | Traversable, error: type[Exception],
              what: str = "") -> dict[str, Any]:
    """The parsed TOML at ``path`` (a file, or one inside the package); any problem raises
    ``error`` with one line naming the file (after ``what``, e.g. ``"timeline file "``).

    A UTF-8 byte-order mark (as Windows Notepad may save) is accepted; a file saved as
    UTF-16 or in another encoding is refused with advice to save it as UTF-8.
    """
    path = Path(path) if isinstance(path, str) else path
    label = f"{what}{path}"
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise error(f"{label}: no such file") from None
    except IsADirectoryError:
        raise error(f"{label}: is a folder, expected a .toml file") from None
    except OSError as exc:
        raise error(f"{label}: cannot read ({exc.strerror or exc})") from None
    if raw.startswith(_UTF16_BOMS):
        raise error(f"{label}: saved as UTF-16 text; TOML files must be UTF-8 "
                    "(save it again choosing the UTF-8 encoding)")
    try:
        text = raw.decode("utf-8-sig")  # strips a UTF-8 byte-order mark if there is one
    except UnicodeDecodeError as exc:
        raise error(f"{label}: not UTF-8 text (byte 0x{raw[exc.start]:02x} at position "
                    f"{exc.start}); save it again choosing the UTF-8 encoding") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise error(f"{label}: not valid TOML ({exc})") from None
