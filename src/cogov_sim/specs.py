"""The shipped specs: the spec files that come with the package (``specs/*.toml``).

Each is addressed on the command line by its name (``cogov-sim experiment reform_stages``)
as well as by a path to a file of one's own; ``cogov-sim specs`` lists them and
``cogov-sim specs copy NAME DIR`` copies one for editing. From Python::

    >>> from cogov_sim.specs import spec_path
    >>> spec_path("reform_stages").name
    'reform_stages.toml'

A bare word (no folder separator, no ``.toml`` ending) is a shipped spec's name; anything
else is a path. Every shipped spec belongs to one command, named in :data:`COMMANDS`,
and its first line names the JSON Schema of its kind (``#:schema ../schemas/KIND.schema.json``,
the form TOML editors such as Even Better TOML read), so an editor completes and checks
its keys while the file is edited.
"""

from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path

from .params import suggest

#: Each shipped spec and the command that runs it, in the order ``cogov-sim specs`` lists them.
COMMANDS: dict[str, str] = {
    "reform_stages": "experiment",
    "what_if": "experiment",
    "grid_lists": "experiment",
    "sa_morris_quick": "sa",
    "sa_sobol_levers": "sa",
    "discover_participation": "discover",
    "jiangsu_rollout": "rollout",
    "validation": "validate",
    "calibration": "calibrate",
    "calibration_constants": "calibrate",
}


SCHEMA_LINE = b"#:schema ../schemas/"
"""How a shipped spec's first line names its kind's JSON Schema (relative to the spec)."""


class SpecNameError(ValueError):
    """A spec named that is not shipped, or shipped for another command (one line)."""


def folder() -> Path:
    """The folder of the shipped spec files inside the installed package."""
    return Path(str(resources.files(__package__).joinpath("specs")))


def spec_names(command: str | None = None) -> tuple[str, ...]:
    """The shipped specs' names (those run by ``command`` if given)."""
    return tuple(n for n, c in COMMANDS.items() if command is None or c == command)


def _allowed(command: str | None) -> str:
    names = spec_names(command)
    kind = f"`cogov-sim {command}` specs" if command else "specs"
    return f"shipped {kind}: {', '.join(names) if names else 'none'}"


def spec_path(name: str, command: str | None = None) -> Path:
    """The file of the shipped spec ``name``; with ``command``, it must be one of its specs."""
    if name not in COMMANDS:
        path = " (or give a path to a .toml file)" if command else ""
        raise SpecNameError(f"no shipped spec '{name}'{suggest(name, spec_names(command))}; "
                            f"{_allowed(command)}{path}")
    if command is not None and COMMANDS[name] != command:
        raise SpecNameError(f"'{name}' is a spec for `cogov-sim {COMMANDS[name]} {name}`, "
                            f"not for `{command}`; {_allowed(command)}")
    return folder() / f"{name}.toml"


def description(name: str, lang: str = "en") -> str:
    """The shipped spec's one-line ``description`` (``description_zh`` for ``lang="zh"``,
    falling back to the English one)."""
    data = tomllib.loads(spec_path(name).read_text("utf-8"))
    text = data.get("description_zh") if lang == "zh" else None
    return str(text or data.get("description", "")).strip()


def is_name(text: str) -> bool:
    """True if ``text`` reads as a spec name rather than a path."""
    return not any(sep in text for sep in ("/", "\\")) and not text.lower().endswith(".toml")


def resolve(text: str | Path, command: str) -> Path:
    """The spec file meant by ``text`` on ``cogov-sim COMMAND``: a shipped spec's name or a path.

    A path that does not exist but ends in a shipped spec's name (the old
    ``experiments/reform_stages.toml``) is refused with the name to give instead.
    """
    if isinstance(text, Path):
        text = str(text)
    if is_name(text):
        return spec_path(text, command)
    path = Path(text)
    stem = path.name.removesuffix(".toml").removesuffix(".TOML")
    if not path.exists() and COMMANDS.get(stem) == command:
        raise SpecNameError(f"{text}: no such file; the shipped spec is run by its name: "
                            f"cogov-sim {command} {stem}")
    return path


def copy_spec(name: str, destination: str | Path) -> Path:
    """Copy the shipped spec ``name`` into the folder ``destination`` (made if missing) as
    ``NAME.toml`` for editing; an existing file is never overwritten. Returns the new file.

    The copy's ``#:schema`` line names the installed schema file by its full path, so that
    an editor still finds it from the new folder."""
    source = spec_path(name)
    text = source.read_bytes()
    if text.startswith(SCHEMA_LINE):  # the copy names the installed schema, wherever it goes
        kind = text[len(SCHEMA_LINE):text.index(b"\n")].removesuffix(b".schema.json").decode()
        schema = folder().parent / "schemas" / f"{kind}.schema.json"
        text = f"#:schema {schema.as_posix()}".encode() + text[text.index(b"\n"):]
    target_folder = Path(destination)
    if target_folder.exists() and not target_folder.is_dir():
        raise SpecNameError(f"{target_folder}: is a file; give the folder to copy "
                            f"{name}.toml into")
    target = target_folder / f"{name}.toml"
    try:
        target_folder.mkdir(parents=True, exist_ok=True)
        with open(target, "xb") as handle:  # "x": fails if the file exists
            handle.write(text)
    except FileExistsError:
        raise SpecNameError(f"{target}: already exists, not overwritten (remove it or copy "
                            "into another folder)") from None
    except OSError as exc:
        raise SpecNameError(f"{target}: cannot write ({exc.strerror or exc})") from None
    return target
