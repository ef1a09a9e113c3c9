"""``stuntsim mc`` as a user runs it: JSON keys, Parquet records and provenance, the HTML
report, reproducibility across chunk sizes and workers, and clean errors."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pytest

from conftest import EXAMPLES, assert_clean_error, run_cli

UNCERTAINTY = """
[uncertainty]
wind_speed = { sigma = "20 %" }
wind_direction = { sigma = "15 deg" }
exit_delay = { sigma = "2 s" }
open_altitude = { sigma = "100 ft" }
drag_area = { low = "-5 %", high = "5 %" }
canopy_forward_speed = { sigma = "5 %" }
canopy_descent_rate = { sigma = "5 %" }
"""

JSON_KEYS = {
    "n",
    "seed",
    "mean_east_m",
    "mean_north_m",
    "cep50_m",
    "cep90_m",
    "ellipse95",
    "p_in_lz",
    "p_in_lz_ci",
    "checks",
    "deploy_altitude_m",
    "freefall_time_s",
    "provenance",
}


@pytest.fixture(scope="module")
def scen(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("mc") / "sport-mc.toml"
    # the example's own [uncertainty] table is replaced by the contract table
    base = (EXAMPLES / "sport-13500.toml").read_text().split("\n[uncertainty]")[0]
    path.write_text(base + UNCERTAINTY)
    return path


@pytest.fixture(scope="module")
def first(scen):
    out = scen.parent / "samples.parquet"
    html = scen.parent / "report.html"
    res = run_cli(
        "mc", scen, "-n", "9000", "--seed", "5", "--json", "--chunk-size", "4096",
        "--workers", "1", "--out", out, "--report", html,
    )  # fmt: skip
    assert res.returncode == 0, res.stderr
    return res.json(), out, html


def test_json_has_the_contract_keys(first):
    doc, _, _ = first
    assert JSON_KEYS <= set(doc)
    assert doc["n"] == 9000 and doc["seed"] == 5
    lo, hi = doc["p_in_lz_ci"]
    assert lo <= doc["p_in_lz"] <= hi
    e = doc["ellipse95"]
    assert e["semi_major_m"] >= e["semi_minor_m"] > 0 and 0 <= e["azimuth_deg"] < 180
    assert doc["cep50_m"] < doc["cep90_m"]
    for cid in ("ground_impact", "opening_altitude", "opening_shock", "landing_accuracy"):
        assert doc["checks"][cid]["per_sample"] is True
    q = doc["deploy_altitude_m"]["quantiles"]
    assert q["p05"] <= q["p50"] <= q["p95"]


def test_same_seed_same_json_whatever_the_chunk_size_and_workers(scen, first):
    doc, _, _ = first
    res = run_cli(
        "mc", scen, "-n", "9000", "--seed", "5", "--json", "--chunk-size", "12000",
        "--workers", "2",
    )  # fmt: skip
    assert res.returncode == 0, res.stderr
    other = res.json()
    assert other["run"]["chunk_size"] != doc["run"]["chunk_size"]
    doc = {k: v for k, v in doc.items() if k != "run"}
    other = {k: v for k, v in other.items() if k != "run"}
    assert other == doc


def test_parquet_holds_every_sample_with_provenance(scen, first):
    pq = pytest.importorskip("pyarrow.parquet")
    doc, out, _ = first
    table = pq.read_table(out)
    assert table.num_rows == 9000
    cols = set(table.column_names)
    # inputs and outcomes of each sample
    assert {
        "sample", "wind_scale", "wind_rotation_deg", "exit_delay_s", "exit_east_m",
        "deploy_altitude_m", "cda_scale", "canopy_forward_speed_m_s", "landing_east_m",
        "landing_north_m", "freefall_time_s", "peak_opening_g", "fail_landing_accuracy",
    } <= cols  # fmt: skip
    np.testing.assert_array_equal(table["sample"].to_numpy(), np.arange(9000))
    meta = {k.decode(): v.decode() for k, v in table.schema.metadata.items()}
    assert meta["stuntsim.seed"] == "5"
    assert meta["stuntsim.scenario_sha256"] == hashlib.sha256(scen.read_bytes()).hexdigest()
    assert doc["provenance"]["scenario_sha256"] == meta["stuntsim.scenario_sha256"]
    # the JSON statistics are those of the stored samples: the mean from float32 offsets
    # agrees with the float64 records to float32 resolution (~0.1 mm at 1 km)
    e = table["landing_east_m"].to_numpy()
    assert np.mean(e) == pytest.approx(doc["mean_east_m"], abs=1e-3)
    fails = table["fail_landing_accuracy"].to_numpy()
    assert 1.0 - np.mean(fails) == pytest.approx(doc["p_in_lz"], abs=1e-12)


def test_report_has_the_dispersion_plot(first):
    _, _, html = first
    text = html.read_text()
    assert "Monte Carlo landing dispersion" in text
    assert text.count("<svg") >= 3  # the jump report's plots and the dispersion plot


def test_summary_is_readable(scen):
    res = run_cli("mc", scen, "-n", "2000", "--seed", "1", "--workers", "1")
    assert res.returncode == 0, res.stderr
    for frag in ("CEP50", "95 % ellipse", "in the LZ", "opening_altitude"):
        assert frag in res.stdout


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (["--out", "x.csv"], [".parquet"]),
        (["--cluster", "remote"], ["--cluster"]),
        (["--scheduler", "localhost:8786"], ["tcp://"]),
    ],
)
def test_bad_options_fail_cleanly(scen, tmp_path, args, fragments):
    args = [str(tmp_path / a) if a.endswith(".csv") else a for a in args]
    res = run_cli("mc", scen, "-n", "100", *args)
    assert_clean_error(res, *fragments)
    assert not list(tmp_path.iterdir())


def test_scenario_errors_fail_cleanly(tmp_path):
    plain = (EXAMPLES / "sport-13500.toml").read_text().split("\n[uncertainty]")[0]
    no_table = tmp_path / "plain.toml"
    no_table.write_text(plain)
    out = tmp_path / "never.parquet"
    res = run_cli("mc", no_table, "-n", "100", "--out", out)
    assert_clean_error(res, "uncertainty")
    bad = tmp_path / "bad.toml"
    bad.write_text(plain + '\n[uncertainty]\nwind_speed = { sigma = "3 kt" }\n')
    res = run_cli("mc", bad, "-n", "100", "--out", out)
    assert_clean_error(res, "uncertainty.wind_speed")
    assert not out.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".never")]
