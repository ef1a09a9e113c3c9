"""One contract over every stunt kind, the way scikit-learn's ``check_estimator`` holds every
estimator to one interface (docs/architecture.md).

For every kind in :data:`stuntsim.kinds.REGISTRY` and every example of that kind in examples/
(grouped by the scenario's ``kind`` key):

- the example loads, and the kind is a real :class:`~stuntsim.kinds.StuntKind`;
- a batch of one and a batch of N of the nominal sample give the same checks for every sample,
  and ``simulate(plan)`` gives those checks too (one check code for run, searches and MC);
- ``run --json`` prints the common envelope (its keys first, every check with every key), the
  kind's own ``to_json`` sets no envelope key, ``--trajectory`` writes a CSV with ``t_s`` first,
  ``--report`` a self-contained HTML file;
- the summary, the JSON and the report show the same verdict;
- a mutated copy (an unknown key, a negative mass, a quantity that is not a number) is one line
  on stderr naming the file and the field, exit status 2, nothing written;
- a short ``mc -n 8`` gives p_go, check_failure_rates and margins for the same checks and the
  same nominal verdict (an example without an [uncertainty] table is a clean error).

The toy kind of tests/toy_kind.py runs through the same contract, so the contract itself is
tested on a kind whose figures are known. Everything but one real subprocess per kind runs
in-process (``stuntsim.cli.main``), to keep the contract a few seconds per kind.
"""

from __future__ import annotations

import contextlib
import csv
import io
import itertools
import math
import re
import sys
import tomllib
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

import stuntsim.kinds as kinds
from stuntsim.kinds import REGISTRY, KindEntry, StuntKind, get_kind
from stuntsim.report.envelope import CHECK_KEYS, ENVELOPE_KEYS

import toy_kind
from conftest import EXAMPLES, run_cli

N_BATCH = 4
MC_SAMPLES = 8
VERDICT_TOKEN = re.compile(r"(?<![\w-])(NO-GO|CAUTION|GO)(?![\w-])")
# a quantity string such as "450 m", "2.5 m^2", "130 kt", "-3 deg" (at most two unit words)
QUANTITY = re.compile(
    r"^[-+]?\d+(\.\d*)?([eE][-+]?\d+)?\s*[A-Za-z%°][\w/^*.%°-]*( [A-Za-z][\w/^*.-]*)?$"
)
TEXT_KEYS = ("name", "description", "notes", "title", "source", "label")


def _examples() -> dict[str, list[Path]]:
    by_kind: dict[str, list[Path]] = defaultdict(list)
    for path in sorted(EXAMPLES.glob("*.toml")):
        by_kind[tomllib.loads(path.read_text())["kind"]].append(path)
    return by_kind


EXAMPLES_BY_KIND = _examples()
CASES = [
    pytest.param((kind, path), id=f"{kind}-{path.stem}")
    for kind in REGISTRY
    for path in EXAMPLES_BY_KIND.get(kind, [])
]
TOY = pytest.param(("toy", None), id="toy-contract-self-test")


def test_every_kind_has_an_example_and_every_example_a_kind():
    for kind in REGISTRY:
        assert EXAMPLES_BY_KIND.get(kind), f"kind {kind!r} has no example in examples/"
    assert set(EXAMPLES_BY_KIND) <= set(REGISTRY)


def test_every_kind_has_an_example_with_an_uncertainty_table():
    """So that ``mc`` is exercised for every kind, not only its clean refusal."""
    for kind in REGISTRY:
        with_table = [
            p
            for p in EXAMPLES_BY_KIND.get(kind, [])
            if "uncertainty" in tomllib.loads(p.read_text())
        ]
        assert with_table, f"kind {kind!r}: no example in examples/ has an [uncertainty] table"


# --- in-process command line -------------------------------------------------------------------


@dataclass
class Ran:
    returncode: int
    stdout: str
    stderr: str


def invoke(*args: str | Path) -> Ran:
    """``stuntsim ARGS`` through the real entry point (stuntsim.cli.main), in this process."""
    from stuntsim.cli import main

    out, err = io.StringIO(), io.StringIO()
    argv = sys.argv
    sys.argv = ["stuntsim", *map(str, args)]
    code = 0
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            main()
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    finally:
        sys.argv = argv
    return Ran(code, out.getvalue(), err.getvalue())


def assert_clean_error(res: Ran, *fragments: str) -> None:
    assert res.returncode == 2, (res.returncode, res.stdout, res.stderr)
    lines = [ln for ln in res.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, res.stderr
    assert "Traceback" not in res.stderr
    for frag in fragments:
        assert frag in lines[0], (frag, lines[0])


@pytest.fixture
def case(request, tmp_path, monkeypatch) -> tuple[StuntKind[Any, Any, Any], Path]:
    """(kind, scenario path); the toy kind is registered for the test's duration."""
    name, path = request.param
    if name == "toy":
        monkeypatch.setitem(REGISTRY, "toy", KindEntry("toy_kind"))
        monkeypatch.setattr(kinds, "KIND_NAMES", (*kinds.KIND_NAMES, "toy"))
        path = tmp_path / "toy.toml"
        path.write_text(toy_kind.EXAMPLE)
    return get_kind(name), path


def parametrize_cases(f):
    return pytest.mark.parametrize("case", [*CASES, TOY], indirect=True)(f)


# --- the contract -------------------------------------------------------------------------------


def _same_check(a: Any, b: Any) -> None:
    assert (a.id, a.ok, a.severity, a.unit, a.source) == (b.id, b.ok, b.severity, b.unit, b.source)
    assert (a.message, a.advice) == (b.message, b.advice), a.id
    # the same sample in a batch of another size: equal to the last bits of a float64
    for x, y in ((a.value, b.value), (a.limit, b.limit), (a.margin, b.margin)):
        assert (x is None) == (y is None), a.id
        if x is not None:
            assert x == pytest.approx(y, rel=1e-9, abs=1e-12), a.id


@parametrize_cases
def test_example_loads_and_a_batch_of_one_equals_a_batch_of_n(case):
    from stuntsim.scenario import load

    kind, path = case
    assert isinstance(kind, StuntKind)
    loaded = load(path)
    assert loaded.kind is kind
    plan, mc = loaded.plan, kind.montecarlo
    one = mc.simulate_batch(plan, mc.nominal(plan, 1))
    many = mc.simulate_batch(plan, mc.nominal(plan, N_BATCH))
    assert one.checks, "a kind must have checks"
    assert [b.id for b in one.checks] == [b.id for b in many.checks]
    assert len({b.id for b in one.checks}) == len(one.checks), "check ids must be unique"
    for b1, bn in zip(one.checks, many.checks, strict=True):
        assert b1.severity in ("fail", "caution")
        assert b1.source.strip(), f"{b1.id}: a check names its source"
        assert len(bn.ok) == N_BATCH and len(bn.margin) == N_BATCH
        for i in range(N_BATCH):
            _same_check(b1.record(0), bn.record(i))
        # ok is the authority, margin ranks: they agree in sign
        assert bool(b1.ok[0]) == (not (float(b1.margin[0]) < 0.0)), b1.id
    for key, col in one.columns.items():
        assert len(col) == 1 and len(many.columns[key]) == N_BATCH, key
    result = kind.simulate(plan)
    assert isinstance(result.name, str)
    assert [c.id for c in result.checks] == [b.id for b in one.checks]
    for c, b in zip(result.checks, one.checks, strict=True):
        _same_check(c, b.record(0))
        if not c.ok:
            assert c.advice, f"{c.id}: a failing check says what would make it pass"
    own = kind.presenter.to_json(result)
    assert not set(own) & set(ENVELOPE_KEYS), "to_json returns only the kind's own keys"
    traj = kind.presenter.trajectory(result)
    assert next(iter(traj)) == "t_s"
    lengths = {len(v) for v in traj.values()}
    assert len(lengths) == 1 and lengths.pop() >= 2


@parametrize_cases
def test_json_csv_html_and_summary_show_one_verdict(case, tmp_path):
    from stuntsim.checks import verdict

    kind, path = case
    traj, html = tmp_path / "t.csv", tmp_path / "r.html"
    res = invoke("run", path, "--json", "--trajectory", traj, "--report", html)
    assert res.returncode == 0, res.stderr
    import json

    doc = json.loads(res.stdout)
    assert list(doc)[: len(ENVELOPE_KEYS)] == list(ENVELOPE_KEYS)
    assert doc["schema_version"] == 2 and doc["kind"] == kind.name and doc["name"]
    for c in doc["checks"]:
        assert list(c) == list(CHECK_KEYS), c.get("id")
        assert c["ok"] is True or c["ok"] is False
        assert c["severity"] in ("fail", "caution")
        if c["ok"]:
            assert c["advice"] is None, c["id"]
        else:
            assert c["advice"], f"{c['id']}: a failing check says what would make it pass"
        for k in ("value", "limit", "margin"):
            assert c[k] is None or math.isfinite(c[k])
    v = doc["verdict"]
    from stuntsim.checks import Check

    assert v == verdict(
        [Check(c["id"], c["ok"], None, None, "", "", "", c["severity"]) for c in doc["checks"]]
    )
    rows = list(csv.reader(traj.open()))
    assert rows[0][0] == "t_s" and len(rows) >= 3
    t = [float(r[0]) for r in rows[1:]]
    assert all(b >= a for a, b in itertools.pairwise(t))
    text = html.read_text()
    assert f'id="verdict">{v}<' in text
    assert "<script src=" not in text and 'href="http' not in text  # self-contained
    for c in doc["checks"]:
        assert c["id"] in text
    summary = invoke("run", path, "--units", "imperial")
    assert summary.returncode == 0, summary.stderr
    found = VERDICT_TOKEN.search(summary.stdout)
    assert found and found.group(1) == v, summary.stdout[:500]


def _mutations(doc: dict[str, Any]) -> list[tuple[str, str, Any]]:
    """(dotted field, what to check in the message, mutated document) for this scenario."""
    import copy

    out: list[tuple[str, str, Any]] = []
    d = copy.deepcopy(doc)
    d["bogus_key"] = 1
    out.append(("bogus_key", "unknown key", d))

    def walk(node: Any, trail: str) -> Any:
        if isinstance(node, dict):
            for k, v in node.items():
                if k == "uncertainty":
                    continue
                yield from walk(v, f"{trail}.{k}" if trail else k)
        elif isinstance(node, list):
            for i, v in enumerate(node):
                yield from walk(v, f"{trail}[{i}]")
        else:
            yield trail, node

    leaves = list(walk(doc, ""))
    mass = next((t for t, v in leaves if t.endswith("mass") and isinstance(v, str)), None)
    if mass is not None:
        out.append((mass, "", _set(doc, mass, "-5 kg")))
    qty = next(
        (
            t
            for t, v in leaves
            if isinstance(v, str)
            and len(v) <= 24
            and QUANTITY.match(v)
            and not t.split(".")[-1].startswith(TEXT_KEYS)
        ),
        None,
    )
    if qty is not None:
        out.append((qty, "", _set(doc, qty, "lots")))
    return out


def _set(doc: dict[str, Any], dotted: str, value: Any) -> dict[str, Any]:
    import copy

    d = copy.deepcopy(doc)
    parts = re.findall(r"[^.\[\]]+|\[\d+\]", dotted)
    node: Any = d
    for p in parts[:-1]:
        node = node[int(p[1:-1])] if p.startswith("[") else node[p]
    last = parts[-1]
    node[int(last[1:-1]) if last.startswith("[") else last] = value
    return d


def _toml(doc: dict[str, Any]) -> str:
    """A minimal TOML writer for the mutated copies (tables, arrays of tables, scalars)."""
    import json

    def val(v: Any) -> str:
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, str):
            return json.dumps(v)
        if isinstance(v, int | float):
            return repr(v)
        if isinstance(v, list):
            return "[" + ", ".join(val(x) for x in v) + "]"
        if isinstance(v, dict):
            return "{ " + ", ".join(f"{json.dumps(k)} = {val(x)}" for k, x in v.items()) + " }"
        raise TypeError(type(v))

    lines: list[str] = []

    def table(d: dict[str, Any], name: str) -> None:
        simple = {
            k: v
            for k, v in d.items()
            if not isinstance(v, dict)
            and not (isinstance(v, list) and v and all(isinstance(x, dict) for x in v))
        }
        for k, v in simple.items():
            lines.append(f"{json.dumps(k)} = {val(v)}")
        for k, v in d.items():
            sub = f"{name}.{json.dumps(k)}" if name else json.dumps(k)
            if isinstance(v, dict):
                lines.append(f"[{sub}]")
                table(v, sub)
            elif isinstance(v, list) and v and all(isinstance(x, dict) for x in v):
                for item in v:
                    lines.append(f"[[{sub}]]")
                    table(item, sub)

    table(doc, "")
    return "\n".join(lines) + "\n"


@parametrize_cases
def test_bad_input_is_one_line_naming_the_file_and_field(case, tmp_path):
    _, path = case
    doc = tomllib.loads(path.read_text())
    # the writer round-trips the example itself (so a failure below is the mutation's)
    same = tmp_path / "same.toml"
    same.write_text(_toml(doc))
    assert tomllib.loads(same.read_text()) == doc
    for field, fragment, mutated in _mutations(doc):
        bad = tmp_path / f"mutated-{path.stem}.toml"
        bad.write_text(_toml(mutated))
        out = tmp_path / "never.csv"
        res = invoke("run", bad, "--json", "--trajectory", out)
        assert_clean_error(res, str(bad), field, fragment)
        assert res.stdout == ""
        assert not out.exists() and not list(tmp_path.glob(".never*"))


@parametrize_cases
def test_a_short_monte_carlo_runs(case, tmp_path):
    import json

    kind, path = case
    has_table = "uncertainty" in tomllib.loads(path.read_text())
    html = tmp_path / "mc.html"
    res = invoke("mc", path, "-n", MC_SAMPLES, "--seed", "1", "--workers", "1", "--json",
                 "--report", html)  # fmt: skip
    if not has_table:
        assert_clean_error(res, str(path), "uncertainty")
        return
    assert res.returncode == 0, res.stderr
    doc = json.loads(res.stdout)
    nominal = json.loads(invoke("run", path, "--json").stdout)
    assert doc["kind"] == kind.name and doc["n"] == MC_SAMPLES
    assert doc["verdict"] == nominal["verdict"]
    assert 0.0 <= doc["p_go"] <= 1.0 and len(doc["p_go_ci"]) == 2
    ids = {c["id"] for c in nominal["checks"]}
    assert set(doc["check_failure_rates"]) == ids == set(doc["margins"])
    for m in doc["margins"].values():
        assert {"p05", "p50", "p95"} <= set(m)
    assert f'id="verdict">{doc["verdict"]}<' in html.read_text()


@pytest.mark.parametrize("kind", list(REGISTRY))
def test_the_real_entry_point_runs_each_kind(kind, tmp_path):
    """One real subprocess per kind (python -m stuntsim), as a user runs it."""
    path = EXAMPLES_BY_KIND[kind][0]
    res = run_cli("run", path, "--json")
    assert res.returncode == 0, res.stderr
    assert res.json()["kind"] == kind


def test_the_command_line_and_the_registry_import_nothing_heavy():
    """``stuntsim --help`` and ``import stuntsim.kinds`` load no numerics, physics or rich: the
    kinds are imported on first use (their names in REGISTRY are strings)."""
    code = (
        "import sys, stuntsim, stuntsim.kinds, stuntsim.cli\n"
        "heavy = ('numpy', 'scipy', 'pint', 'pydantic', 'matplotlib', 'rich', 'pyarrow',"
        " 'dask', 'distributed', 'numba')\n"
        "print(sorted({m.split('.')[0] for m in sys.modules if m.split('.')[0] in heavy}))\n"
        "print(sorted(m for m in sys.modules if m.startswith(('stuntsim.jump', 'stuntsim.heli',"
        " 'stuntsim.car'))))\n"
    )
    import subprocess

    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert proc.stdout.splitlines() == ["[]", "[]"], proc.stdout


def test_the_envelope_comes_first_and_a_kind_cannot_overwrite_it(monkeypatch):
    from stuntsim.report.envelope import envelope

    plan = toy_kind.build_plan(
        toy_kind.ToyScenario.model_validate(tomllib.loads(toy_kind.EXAMPLE)), Path("toy.toml")
    )
    result = toy_kind.KIND.simulate(plan)
    monkeypatch.setattr(
        toy_kind.ToyPresenter, "to_json", lambda self, r: {"verdict": "GO!", "range_m": 1.0}
    )
    doc = envelope(toy_kind.KIND, result)
    assert list(doc) == [*ENVELOPE_KEYS, "range_m"]
    assert doc["verdict"] == "GO" and doc["kind"] == "toy" and doc["name"] == "toy ramp"
    assert [c["id"] for c in doc["checks"]] == ["landing_zone", "touchdown_speed", "ramp_rating"]
