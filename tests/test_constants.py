"""Rule constants set otherwise for a run (``Params.constants``, :mod:`cogov_sim.constants`):
what calibration, posterior draws and audits need. A run with a constant set otherwise is
the run of a model whose module says so (bit for bit), the package's value comes back
afterwards, a shared spin-up is keyed by the constants, and bad overrides are refused in
one line."""

from __future__ import annotations

import ast
import json
import pickle
from pathlib import Path

import pandas as pd
import pytest

from cogov_sim import constants
from cogov_sim.cli import main
from cogov_sim.constants import ConstantError, applied, check, registry
from cogov_sim.params import ParameterError, Params
from cogov_sim.presets import load_preset
from cogov_sim.rules import access, consultation, delegation
from cogov_sim.runner import simulate
from cogov_sim.spinup import spin_up, spinup_key

SIZE = {"n_residents": 1_600, "residents_per_agent": 4, "n_communities": 4, "months": 12,
        "spinup_months": 12}
RULES = Path(consultation.__file__).parent


def test_the_registry_is_every_scalar_constant_defined_in_a_rule_module() -> None:
    """Read independently from the sources: capitalised module-level names assigned a
    number literal (or an expression of them), once each, at their definition."""
    expected = set()
    for path in RULES.glob("*.py"):
        module = __import__(f"cogov_sim.rules.{path.stem}", fromlist=["_"])
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.Assign | ast.AnnAssign):
                for t in node.targets if isinstance(node, ast.Assign) else [node.target]:
                    value = getattr(module, getattr(t, "id", ""), None)
                    if (isinstance(t, ast.Name) and t.id.isupper()
                            and isinstance(value, int | float) and not isinstance(value, bool)):
                        expected.add(f"{path.stem}.{t.id}")
    assert set(registry()) == expected
    assert len(expected) > 100
    assert "delegation.TASK_PRICE" not in registry()  # imported there, defined in access
    mobilise = registry()["consultation.MOBILISE"]
    assert mobilise.value == consultation.MOBILISE and "neighbour" in mobilise.doc


def test_a_run_with_a_constant_set_otherwise_is_the_run_of_a_patched_module(
        monkeypatch: pytest.MonkeyPatch) -> None:
    params = load_preset("taicang_3_0", **SIZE)
    changed = simulate(params.with_constants({"consultation.MOBILISE": 0.05}), 5)
    assert consultation.MOBILISE == 0.5  # the package's value is back
    default = simulate(params, 5)
    assert not changed["participation_rate"].equals(default["participation_rate"])
    monkeypatch.setattr(consultation, "MOBILISE", 0.05)
    pd.testing.assert_frame_equal(changed, simulate(params, 5), check_exact=True)


def test_a_constant_imported_by_name_is_set_where_it_was_imported() -> None:
    """``delegation`` imports ``TASK_PRICE`` from ``access``: both see the new value in the
    block, and both get the old one back, also when the block raises."""
    new = access.TASK_PRICE * 3
    with pytest.raises(RuntimeError), applied(check({"access.TASK_PRICE": new})):
        assert access.TASK_PRICE == delegation.TASK_PRICE == new
        raise RuntimeError("leave the block")
    assert access.TASK_PRICE == delegation.TASK_PRICE == new / 3


def test_overrides_take_one_sorted_form_and_survive_pickling() -> None:
    p = Params(**SIZE).with_constants({"trust.SOCIAL_RATE": 0.01}, consultation__MOBILISE=1)
    assert p.constants == (("consultation.MOBILISE", 1.0), ("trust.SOCIAL_RATE", 0.01))
    assert isinstance(p.constants[0][1], float)  # a float constant stays a float
    assert pickle.loads(pickle.dumps(p)) == p  # a worker process gets the same run
    assert Params(**SIZE).constants == ()


def test_bad_overrides_are_refused_in_one_line() -> None:
    whole = next(c for c in registry().values() if isinstance(c.value, int))
    cases = {
        "consultation.MOBILIZE": (1.0, "did you mean 'consultation.MOBILISE'"),
        "MOBILISE": (1.0, "unknown constant 'MOBILISE'"),
        "consultation.MOBILISE": (float("nan"), "allowed: a finite number"),
        whole.key: (whole.value + 0.5, "allowed: a whole number"),
    }
    for key, (value, message) in cases.items():
        with pytest.raises(ParameterError, match=message) as caught:
            Params(**SIZE, constants={key: value})
        assert isinstance(caught.value, ConstantError) and "\n" not in str(caught.value)
    with pytest.raises(ConstantError, match="given twice"):
        check([("consultation.MOBILISE", 0.1), ("consultation.MOBILISE", 0.2)])


def test_the_spinup_is_keyed_by_the_constants_and_shared_exactly() -> None:
    base = load_preset("taicang_1_0", **SIZE)
    changed = base.with_constants({"trust.SOCIAL_RATE": 0.05})
    assert spinup_key(base, 3) != spinup_key(changed, 3)
    assert spinup_key(changed, 3) == spinup_key(changed.replace(grid_visits=9.0), 3)
    snapshot = spin_up(changed, 3)
    pd.testing.assert_frame_equal(simulate(changed, 3, spinup=snapshot), simulate(changed, 3),
                                  check_exact=True)


def test_run_sets_a_constant_and_records_it(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "run"
    args = ["run", "--scenario", "taicang_3_0", "--residents", "1600", "--communities", "2",
            "--months", "12",
            "--seed", "3", "--out", str(out)]
    assert main([*args, "--set", "consultation.MOBILISE=0.05"]) == 0
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["constants"] == {"consultation.MOBILISE": 0.05}
    assert "consultation.MOBILISE=0.05" in capsys.readouterr().out
    assert main([*args[:-1], str(tmp_path / "bad"), "--set", "consultation.MOBILIZE=1"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["error: unknown constant 'consultation.MOBILIZE' (did you mean "
                   "'consultation.MOBILISE'?); allowed: a rule module's constant as "
                   "module.NAME (`cogov-sim constants` lists them)"]
    assert not (tmp_path / "bad").exists()


def test_the_constants_command_lists_them(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["constants", "consultation"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == sum(c.module == "consultation" for c in constants.registry().values())
    assert any(line.startswith("consultation.MOBILISE") and "0.5" in line for line in lines)
    assert main(["constants", "consultatio"]) == 2
    assert "did you mean 'consultation'" in capsys.readouterr().err


def test_every_constant_says_what_it_is_and_is_read_when_used() -> None:
    """A constant without a docstring cannot be judged by a reader, and one bound as a
    function's default argument at import would ignore a run's override (trust.RELAX_RATE
    was): every registered constant has a docstring, and no function signature of the
    model's code uses a constant as a default."""
    assert not [k for k, c in registry().items() if not c.doc]
    package = RULES.parent
    for path in [*RULES.glob("*.py"), *package.glob("*.py"), *(package / "agents").glob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                for default in [*node.args.defaults, *node.args.kw_defaults]:
                    name = getattr(default, "id", getattr(default, "attr", ""))
                    assert not (name and name.isupper() and any(
                        k.endswith(f".{name}") for k in registry())), (path.name, node.name, name)
