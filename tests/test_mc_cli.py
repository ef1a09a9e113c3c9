"""``stuntsim mc`` as a user runs it (a real subprocess): the generic JSON keys, Parquet records
and provenance, the HTML report, the same bits whatever the chunk size, workers or backend, and
clean errors. The kinds' own Monte Carlo statistics are tested with each kind."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pytest

from conftest import EXAMPLES, assert_clean_error, run_cli

EXAMPLE = EXAMPLES / "sport-13500.toml"  # a jump with an [uncertainty] table

MC_KEYS = {
    "schema_version",
    "stuntsim_version",
    "kind",
    "name",
    "verdict",
    "checks",
    "n",
    "seed",
    "seed_block",
    "p_go",
    "p_go_ci",
    "verdict_counts",
    "check_failure_rates",
    "check_failure_rates_ci",
    "margins",
    "provenance",
    "run",
}


@pytest.fixture(scope="module")
def first(tmp_path_factory):
    out_dir = tmp_path_factory.mktemp("mc")
    out, html = out_dir / "samples.parquet", out_dir / "report.html"
    res = run_cli(
        "mc", EXAMPLE, "-n", "9000", "--seed", "5", "--json", "--chunk-size", "4096",
        "--workers", "1", "--out", out, "--report", html,
    )  # fmt: skip
    assert res.returncode == 0, res.stderr
    return res.json(), out, html


def test_json_has_the_generic_keys(first):
    doc, _, _ = first
    assert MC_KEYS <= set(doc)
    assert doc["kind"] == "jump" and doc["n"] == 9000 and doc["seed"] == 5
    lo, hi = doc["p_go_ci"]
    assert 0.0 <= lo <= doc["p_go"] <= hi <= 1.0
    assert sum(doc["verdict_counts"].values()) == 9000
    assert doc["verdict_counts"]["GO"] == round(doc["p_go"] * 9000)
    ids = [c["id"] for c in doc["checks"]]  # the nominal plan's checks
    assert set(doc["check_failure_rates"]) == set(ids) == set(doc["margins"])
    for cid in ids:
        m = doc["margins"][cid]
        assert {"p05", "p50", "p95"} <= set(m)
        if m["p05"] is not None:
            assert m["p05"] <= m["p50"] <= m["p95"]
        r_lo, r_hi = doc["check_failure_rates_ci"][cid]
        assert r_lo <= doc["check_failure_rates"][cid] <= r_hi


def test_same_seed_same_json_whatever_the_chunk_size_and_workers(first):
    doc, _, _ = first
    res = run_cli(
        "mc", EXAMPLE, "-n", "9000", "--seed", "5", "--json", "--chunk-size", "12000",
        "--workers", "2",
    )  # fmt: skip
    assert res.returncode == 0, res.stderr
    other = res.json()
    assert other["run"]["chunk_size"] != doc["run"]["chunk_size"]
    assert {k: v for k, v in other.items() if k != "run"} == {
        k: v for k, v in doc.items() if k != "run"
    }


@pytest.mark.dask
def test_a_dask_local_cluster_gives_the_same_json(first):
    pytest.importorskip("distributed")
    doc, _, _ = first
    res = run_cli(
        "mc", EXAMPLE, "-n", "9000", "--seed", "5", "--json", "--cluster", "local",
        "--workers", "2",
    )  # fmt: skip
    assert res.returncode == 0, res.stderr
    other = res.json()
    assert other["run"]["backend"] == "dask"
    assert {k: v for k, v in other.items() if k != "run"} == {
        k: v for k, v in doc.items() if k != "run"
    }


def test_parquet_holds_every_sample_with_provenance(first):
    pq = pytest.importorskip("pyarrow.parquet")
    doc, out, _ = first
    table = pq.read_table(out)
    assert table.num_rows == 9000
    cols = set(table.column_names)
    ids = list(doc["check_failure_rates"])
    assert {"sample", "seed_block", "verdict_code"} <= cols
    assert {f"{c}_ok" for c in ids} | {f"{c}_margin" for c in ids} <= cols
    np.testing.assert_array_equal(table["sample"].to_numpy(), np.arange(9000))
    meta = {k.decode(): v.decode() for k, v in table.schema.metadata.items()}
    assert meta["stuntsim.seed"] == "5" and meta["stuntsim.kind"] == "jump"
    assert meta["stuntsim.scenario_sha256"] == hashlib.sha256(EXAMPLE.read_bytes()).hexdigest()
    assert doc["provenance"]["scenario_sha256"] == meta["stuntsim.scenario_sha256"]
    # the JSON statistics are those of the stored samples
    code = table["verdict_code"].to_numpy()
    assert np.mean(code == 0) == pytest.approx(doc["p_go"], abs=1e-12)
    for cid in ids:
        ok = table[f"{cid}_ok"].to_numpy(zero_copy_only=False)
        assert 1.0 - np.mean(ok) == pytest.approx(doc["check_failure_rates"][cid], abs=1e-12)


def test_report_has_the_generic_sections(first):
    doc, _, html = first
    text = html.read_text()
    assert "Monte Carlo: how likely the plan goes right" in text
    assert "Monte Carlo margins" in text
    assert f'id="verdict">{doc["verdict"]}<' in text


def test_summary_is_readable():
    res = run_cli("mc", EXAMPLE, "-n", "2000", "--seed", "1", "--workers", "1")
    assert res.returncode == 0, res.stderr
    for frag in ("P(GO)", "Checks across the samples", "opening_altitude"):
        assert frag in res.stdout


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (["--out", "x.csv"], [".parquet"]),
        (["--cluster", "remote"], ["--cluster"]),
        (["--scheduler", "localhost:8786"], ["tcp://"]),
        (["--scheduler", "tcp://h:1", "--cluster", "local"], ["not both"]),
    ],
)
def test_bad_options_fail_cleanly(tmp_path, args, fragments):
    args = [str(tmp_path / a) if a.endswith(".csv") else a for a in args]
    res = run_cli("mc", EXAMPLE, "-n", "100", *args)
    assert_clean_error(res, *fragments)
    assert not list(tmp_path.iterdir())


def test_a_scenario_without_uncertainty_fails_cleanly(tmp_path: Path):
    plain = EXAMPLE.read_text().split("\n[uncertainty]")[0]
    no_table = tmp_path / "plain.toml"
    no_table.write_text(plain)
    out = tmp_path / "never.parquet"
    res = run_cli("mc", no_table, "-n", "100", "--out", out)
    assert_clean_error(res, str(no_table), "uncertainty")
    assert not out.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".never")]


@pytest.mark.dask
@pytest.mark.parametrize("example", ["fallout-heli-spiral.toml", "fallout-stairs.toml"])
def test_heli_and_car_give_the_same_json_locally_and_on_dask(example):
    pytest.importorskip("distributed")
    common = ["mc", EXAMPLES / example, "-n", "24", "--seed", "3", "--json", "--workers", "2"]
    local = run_cli(*common)
    assert local.returncode == 0, local.stderr
    dask = run_cli(*common, "--cluster", "local")
    assert dask.returncode == 0, dask.stderr
    a, b = local.json(), dask.json()
    assert b["run"]["backend"] == "dask" and a["run"]["backend"] == "local"
    assert {k: v for k, v in a.items() if k != "run"} == {k: v for k, v in b.items() if k != "run"}
    assert a["n"] == 24 and set(a["check_failure_rates"]) == {c["id"] for c in a["checks"]}
