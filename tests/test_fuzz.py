"""Fuzzing the edges: mutated scenarios of every kind and mutated data files of every format.

Every case must end in one of the contract's ways (docs/errors.md): status 0 with JSON that
holds no NaN or infinity, or status 2 with exactly one line on stderr; never a traceback, an
internal error (status 3), a leftover temporary file or a half-written output. Cases run
in-process through the command line's own entry code (``stuntsim.cli.app.run_main``).

Bounded for CI (``STUNTSIM_FUZZ_EXAMPLES``: 100 scenarios and 200 data files by default, about
20 s of CPU); ``make fuzz``
runs at least 10 000 cases (``STUNTSIM_FUZZ_SCENARIOS=3000`` scenario runs, about 0.8 s each
on 2 cores, and ``STUNTSIM_FUZZ_DATA=7000`` data files, about 0.05 s each) and prints the
tallies (``STUNTSIM_FUZZ_REPORT=1``).
"""

from __future__ import annotations

import collections
import contextlib
import io
import json
import math
import os
import re
import shutil
import signal
import tempfile
import tomllib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stuntsim.cli.app import run_main
from stuntsim.errors import DataFileError
from stuntsim.io.winds import read_winds

from conftest import EXAMPLES

N = int(os.environ.get("STUNTSIM_FUZZ_EXAMPLES", "100"))
N_SCENARIOS = int(os.environ.get("STUNTSIM_FUZZ_SCENARIOS", N))
N_DATA = int(os.environ.get("STUNTSIM_FUZZ_DATA", 2 * N))  # data files are cheap
CASE_TIMEOUT_S = 120


def _settings(n: int) -> Any:
    return settings(
        max_examples=n,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


TALLY: collections.Counter[str] = collections.Counter()

SCENARIOS = sorted(p.name for p in EXAMPLES.glob("*.toml"))
# read once: the strategy must not depend on files that may change during a run
EXAMPLE_DOCS = {name: tomllib.loads((EXAMPLES / name).read_text()) for name in SCENARIOS}
DATA = EXAMPLES / "data"
DATA_FILES = {
    "fb": (DATA / "fb-fbus31-kwno-180158.txt", "MKC"),
    "wyoming": (DATA / "wyoming-72681-BOI-2010-12-09-12Z.txt", None),
    "csv": (DATA / "winds-dz.csv", None),
}

HOSTILE_STRINGS = [
    "",
    "x" * 10_000,
    "x [/bold] y",
    "[red]unclosed",
    "x [/italic] y",
    "<script>alert(1)</script>",
    "\x1b[31m red",
    "line\nbreak",
    "1e999 m",
    "1e-308 deg",
    "3.4e38 %",
    "-1 kg",
    "0 kg",
    "0.15 kg",
    "1e9 km",
    "4.6e18 m/s",
    "nan m",
    "inf ft",
    "10000000 kt",
    "270",
    "1 km**400",
    "1 m; import os",
    "/dev/zero",
    "/proc/self/environ",
    "../../../../etc/shadow",
    "data",
    "ü" * 50,
]
UNITS = [
    "m",
    "ft",
    "kg",
    "lb",
    "s",
    "min",
    "deg",
    "rad",
    "%",
    "kt",
    "m/s",
    "m^2",
    "N",
    "W",
    "kW",
    "Pa",
    "hPa",
    "degC",
    "K",
    "rpm",
    "1/s",
    "N*m",
    "kg*m^2",
    "N/m",
    "g",
    "mph",
]

HOSTILE_VALUES = st.one_of(
    st.sampled_from(HOSTILE_STRINGS),
    st.builds(
        lambda x, u: f"{x!r} {u}",
        st.floats(allow_nan=True, allow_infinity=True, width=64),
        st.sampled_from(UNITS),
    ),
    st.builds(lambda x, u: f"{x} {u}", st.integers(-(10**6), 10**6), st.sampled_from(UNITS)),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.sampled_from([0, -1, 1, 2**63, 10**20]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.just([]),
    st.just({}),
    st.just([[[[1]]]]),
    st.text(max_size=30),
    st.lists(st.floats(-1e6, 1e6), max_size=4),
)


# plausible extremes: zero, tiny, large, negative (each still a valid quantity string)
FACTORS = st.sampled_from([0.0, 1e-6, 0.01, 0.1, 0.5, 0.9, 1.1, 2.0, 10.0, 100.0, 1e4, -1.0, -0.5])


# --- a TOML writer (inline tables only) ----------------------------------------------------------


def toml_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if math.isnan(v):
            return "nan"
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
        return repr(v)
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, list):
        return "[" + ", ".join(toml_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{json.dumps(k)} = {toml_value(x)}" for k, x in v.items()) + "}"
    raise TypeError(type(v))


def toml_text(doc: dict[str, Any]) -> str:
    return "".join(f"{json.dumps(k)} = {toml_value(v)}\n" for k, v in doc.items())


def leaf_paths(doc: Any, prefix: tuple = ()) -> list[tuple]:
    out: list[tuple] = []
    if isinstance(doc, dict):
        for k, v in doc.items():
            out.append((*prefix, k))
            out.extend(leaf_paths(v, (*prefix, k)))
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            out.append((*prefix, i))
            out.extend(leaf_paths(v, (*prefix, i)))
    return out


_QUANTITY = re.compile(r"^\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*(.*)$")


def scaled(old: Any, factor: float) -> Any:
    """``old`` with its number multiplied by ``factor`` (a plausible-looking extreme value that
    passes the parser and reaches the simulators); other values unchanged."""
    if isinstance(old, bool):
        return old
    if isinstance(old, int):
        return int(old * factor) if math.isfinite(old * factor) else old
    if isinstance(old, float):
        return old * factor
    if isinstance(old, str):
        m = _QUANTITY.match(old)
        if m:
            return f"{float(m.group(1)) * factor:.6g} {m.group(2)}".strip()
    return old


def mutate(doc: dict[str, Any], path: tuple, how: str, value: Any) -> dict[str, Any]:
    import copy

    doc = copy.deepcopy(doc)
    parent: Any = doc
    for key in path[:-1]:
        parent = parent[key]
    last = path[-1]
    if how == "delete":
        del parent[last]
    elif how == "unknown_key" and isinstance(parent, dict):
        parent[f"{last}_typo"] = value
    elif how == "scale":
        parent[last] = scaled(parent[last], value)
    else:
        parent[last] = value
    return doc


# --- running one case ------------------------------------------------------------------------


class _Timeout(Exception):
    pass


def _alarm(signum: int, frame: Any) -> None:
    raise _Timeout


def run_case(args: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    old = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(CASE_TIMEOUT_S)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            rc = run_main(args)
    except _Timeout:
        pytest.fail(f"stuntsim {' '.join(args)} took over {CASE_TIMEOUT_S} s")
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)
    return rc, out.getvalue(), err.getvalue()


def _no_nan(text: str) -> Any:
    def refuse(name: str) -> Any:
        raise AssertionError(f"non-finite value {name} in JSON")

    return json.loads(text, parse_constant=refuse)


_NAN_WORD = re.compile(r"(?<![A-Za-z])(nan|inf|infinity)(?![A-Za-z])", re.IGNORECASE)


def check_outcome(
    rc: int, out: str, err: str, json_expected: bool, what: str, user_text: str = ""
) -> None:
    assert "Traceback" not in err and "Traceback" not in out, (what, err)
    lines = [ln for ln in err.splitlines() if ln.strip()]
    if rc == 0:
        TALLY["ok"] += 1
        if json_expected:
            _no_nan(out)
        elif not _NAN_WORD.search(user_text):  # a summary never prints "nan" for a number
            m = _NAN_WORD.search(out)
            assert m is None, (what, out[max(0, m.start() - 80) : m.end() + 40])
    elif rc == 2:
        TALLY["clean error"] += 1
        assert len(lines) == 1, (what, err)
        assert lines[0].startswith("stuntsim: error: "), (what, lines[0])
    else:
        raise AssertionError(f"{what}: status {rc}: {err.strip()[:500]}")


def _listing(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")}


# --- scenarios of every kind -------------------------------------------------------------------


@st.composite
def scenario_case(draw: Any) -> tuple[str, dict[str, Any], str, list[str]]:
    name = draw(st.sampled_from(SCENARIOS))
    doc = EXAMPLE_DOCS[name]
    paths = leaf_paths(doc)
    n_mut = draw(st.integers(1, 3))
    for _ in range(n_mut):
        paths = leaf_paths(doc)
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        how = draw(
            st.sampled_from(["replace", "replace", "scale", "scale", "delete", "unknown_key"])
        )
        value = draw(FACTORS if how == "scale" else HOSTILE_VALUES)
        doc = mutate(doc, path, how, value)
    kind = doc.get("kind") if isinstance(doc.get("kind"), str) else ""
    commands = ["run"]
    if kind == "jump":
        commands += ["spot"]
    if "uncertainty" in doc:
        commands += ["mc"]
    command = draw(st.sampled_from(commands))
    mutate_data = draw(st.sampled_from(["none", "none", "bytes", "lines"]))
    as_json = draw(st.sampled_from(["json", "json", "summary"]))
    return name, doc, command, [mutate_data, str(draw(st.integers(0, 2**32 - 1))), as_json]


def _mutate_bytes(raw: bytes, seed: int, how: str) -> bytes:
    import random

    rng = random.Random(seed)
    if not raw:
        return raw
    b = bytearray(raw)
    if how == "bytes":
        for _ in range(rng.randint(1, 8)):
            i = rng.randrange(len(b))
            b[i] = rng.randrange(256)
        return bytes(b)
    lines = raw.split(b"\n")
    for _ in range(rng.randint(1, 3)):
        i = rng.randrange(len(lines))
        op = rng.choice(["drop", "dup", "junk", "cut", "shift"])
        if op == "drop":
            del lines[i]
        elif op == "dup":
            lines.insert(i, lines[i])
        elif op == "junk":
            lines[i] = rng.choice(HOSTILE_STRINGS).encode("utf-8", "replace")
        elif op == "cut":
            lines[i] = lines[i][: rng.randrange(len(lines[i]) + 1)]
        else:
            lines[i] = b" " + lines[i]
        if not lines:
            break
    return b"\n".join(lines)


@_settings(N_SCENARIOS)
@given(case=scenario_case())
def test_mutated_scenarios_end_cleanly(case):
    name, doc, command, (mutate_data, seed, as_json) = case
    with tempfile.TemporaryDirectory(prefix="stuntsim-fuzz-") as d:
        folder = Path(d)
        shutil.copytree(DATA, folder / "data")
        if mutate_data != "none":
            for f in (folder / "data").iterdir():
                if f.suffix in (".txt", ".csv", ".tif") and int(seed) % 2:
                    f.write_bytes(_mutate_bytes(f.read_bytes(), int(seed), mutate_data))
        scen = folder / "scenario.toml"
        scen.write_text(toml_text(doc), encoding="utf-8", errors="surrogatepass")
        before = _listing(folder)
        args = [command, str(scen)] + (["--json"] if as_json == "json" else [])
        wanted: set[str] = set()
        if command == "run":
            args += ["--trajectory", str(folder / "out.csv"), "--report", str(folder / "r.html")]
            wanted = {"out.csv", "r.html"}
        elif command == "mc":
            args += ["-n", "4", "--seed", "1", "--workers", "1"]
        rc, out, err = run_case(args)
        check_outcome(
            rc,
            out,
            err,
            json_expected=as_json == "json",
            what=f"{command} {name}",
            user_text=toml_text(doc),
        )
        after = _listing(folder)
        made = after - before
        assert not any(p.endswith(".tmp") for p in after), made
        assert made == (wanted if rc == 0 else set()), (rc, made, err)
        TALLY[f"scenario {command}"] += 1


# --- data files of every format ------------------------------------------------------------------


@_settings(N_DATA)
@given(
    fmt=st.sampled_from(sorted(DATA_FILES)),
    how=st.sampled_from(["bytes", "lines", "lines", "truncate", "hostile"]),
    seed=st.integers(0, 2**32 - 1),
    token=st.sampled_from(HOSTILE_STRINGS),
    via_cli=st.booleans(),
)
def test_mutated_data_files_end_cleanly(fmt, how, seed, token, via_cli):
    src, station = DATA_FILES[fmt]
    raw = src.read_bytes()
    if how == "truncate":
        raw = raw[: seed % (len(raw) + 1)]
    elif how == "hostile":
        raw = token.encode("utf-8", "replace")
    else:
        raw = _mutate_bytes(raw, seed, how)
    with tempfile.TemporaryDirectory(prefix="stuntsim-fuzz-") as d:
        f = Path(d) / src.name
        f.write_bytes(raw)
        if via_cli:
            args = ["winds", str(f), "--format", fmt, "--json"]
            if station:
                args += ["--station", station]
            rc, out, err = run_case(args)
            check_outcome(rc, out, err, json_expected=True, what=f"winds {fmt} {how}")
        else:
            try:
                data = read_winds(f, fmt, station)
            except DataFileError as exc:
                TALLY["clean error"] += 1
                assert "\n" not in str(exc) and len(str(exc)) < 700
            else:
                TALLY["ok"] += 1
                assert all(math.isfinite(z) for z in data.profile.altitude)
                assert all(math.isfinite(v) for v in data.profile.east)
                assert all(math.isfinite(v) for v in data.profile.north)
        assert _listing(Path(d)) == {src.name}
        TALLY[f"data {fmt}"] += 1


@pytest.fixture(scope="module", autouse=True)
def _report_tally():
    yield
    if os.environ.get("STUNTSIM_FUZZ_REPORT"):
        total = sum(v for k, v in TALLY.items() if k.startswith(("scenario ", "data ")))
        print(f"\nfuzz: {total} cases: " + ", ".join(f"{k} {v}" for k, v in sorted(TALLY.items())))
