"""The command line's error and exit-status contract (docs/errors.md): usage errors, outputs
all-or-nothing, inputs never overwritten, modes and symlinks kept, --fail-on, --quiet, a closed
pipe. Most cases run in-process through ``run_main`` (the entry point's own code); a few as a
real subprocess, as a user runs them."""

from __future__ import annotations

import contextlib
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from stuntsim.cli.app import run_main

from conftest import EXAMPLES, ROOT, assert_clean_error, run_cli

HAHO = EXAMPLES / "haho.toml"  # inline winds, no uncertainty: quick


def main(capsys, *args: str | Path) -> tuple[int, str, str]:
    rc = run_main([str(a) for a in args])
    out, err = capsys.readouterr()
    return rc, out, err


def one_line(err: str) -> str:
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


# --- usage errors: one line, status 2, whatever click typer ships ------------------------------


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["run"], "Missing argument"),
        (["run", HAHO, "--unit", "si"], "No such option: --unit"),
        (["run", HAHO, "--units", "metric"], "'metric' is not one of"),
        (["spot", HAHO, "--separation", "1.5s"], "--separation"),
        (["spot", HAHO, "-n", "0"], "--jumpers"),
        (["mc", HAHO, "-n", "1"], "--samples"),
        (["mc", HAHO, "-n", "1e12"], "--samples"),
        (["nosuch"], "No such command"),
        (["run", HAHO, "--fail-on", "sometimes"], "--fail-on"),
    ],
)
def test_usage_errors_are_one_line_exit_2(capsys, args, fragment):
    rc, out, err = main(capsys, *args)
    assert rc == 2, (out, err)
    line = one_line(err)
    assert line.startswith("stuntsim: error: ") and fragment in line, line
    assert "--help" in line


def test_bare_command_prints_help_and_version_flags(capsys):
    rc, out, _ = main(capsys)
    assert rc == 0 and "Usage" in out and "run" in out and "mc" in out
    for flag in ("-V", "--version"):
        rc, out, _ = main(capsys, flag)
        assert rc == 0 and out.startswith("stuntsim ")


def test_the_real_entry_point_is_the_same_contract():
    """A subprocess: the console script path, with whatever typer/click is installed."""
    res = run_cli("run", HAHO, "--units", "metric")
    assert_clean_error(res, "metric")
    res = run_cli()
    assert res.returncode == 0 and "Usage" in res.stdout


def test_typer_and_click_bounds_are_pinned():
    text = (ROOT / "pyproject.toml").read_text()
    assert '"typer>=0.12,<0.30"' in text  # tested with 0.29 (vendored click) and click 8


# --- caps ---------------------------------------------------------------------------------------


def test_sample_and_worker_caps(capsys, monkeypatch):
    scenario = EXAMPLES / "fallout-heli-spiral.toml"  # any kind with [uncertainty]
    rc, _, err = main(capsys, "mc", scenario, "-n", str(10**12))
    assert rc == 2 and "STUNTSIM_MAX_SAMPLES" in one_line(err)
    rc, _, err = main(capsys, "mc", scenario, "-n", "100", "--workers", "300")
    assert rc == 2 and "STUNTSIM_MAX_WORKERS" in one_line(err)
    monkeypatch.setenv("STUNTSIM_MAX_SAMPLES", "1e15")
    monkeypatch.setenv("STUNTSIM_MAX_MEMORY_MB", "100")
    rc, _, err = main(capsys, "mc", scenario, "-n", str(10**11))
    line = one_line(err)
    assert rc == 2 and "memory" in line and "STUNTSIM_MAX_MEMORY_MB" in line, line


# --- outputs: all or nothing, inputs never overwritten -----------------------------------------


def _listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_report_path_that_is_a_folder_writes_nothing(capsys, tmp_path):
    (tmp_path / "r.html").mkdir()
    rc, _, err = main(
        capsys, "run", HAHO, "--trajectory", tmp_path / "t.csv", "--report", tmp_path / "r.html"
    )
    assert rc == 2 and "is a folder" in one_line(err)
    assert _listing(tmp_path) == ["r.html"]


def test_device_outputs_refused(capsys, tmp_path):
    full = tmp_path / "full.csv"
    full.symlink_to("/dev/full")
    rc, _, err = main(capsys, "run", HAHO, "--trajectory", full)
    assert rc == 2 and "character device" in one_line(err)


def test_read_only_folder_writes_nothing(capsys, tmp_path):
    if os.geteuid() == 0:
        folder = Path("/sys")  # read-only even for root
    else:
        folder = tmp_path / "ro"
        folder.mkdir()
        folder.chmod(0o555)
    ok = tmp_path / "t.csv"
    rc, _, err = main(capsys, "run", HAHO, "--trajectory", ok, "--report", folder / "r.html")
    assert rc == 2
    line = one_line(err)
    assert "r.html" in line and ("read-only" in line or "cannot write" in line), line
    assert not ok.exists()
    assert not any(p.suffix == ".tmp" for p in tmp_path.iterdir())


@contextlib.contextmanager
def _tiny_filesystem(path: Path):
    """A 64 KiB tmpfs (root, where mounting is allowed); skip elsewhere."""
    path.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a tiny file system needs root")
    res = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(path)], capture_output=True
    )
    if res.returncode != 0:
        pytest.skip("cannot mount a tmpfs here")
    try:
        yield path
    finally:
        subprocess.run(["umount", str(path)], capture_output=True)


def test_full_disk_writes_nothing(capsys, tmp_path):
    with _tiny_filesystem(tmp_path / "small") as small:
        rc, _, err = main(
            capsys,
            "run",
            HAHO,
            "--trajectory",
            small / "t.csv",
            "--report",
            small / "r.html",
        )
        assert rc == 2
        line = one_line(err)
        assert "no space left" in line, line
        assert _listing(small) == []


def test_output_over_an_input_is_refused(capsys, tmp_path):
    winds = tmp_path / "w.csv"
    winds.write_text("altitude_ft,from_deg,speed_kt\n1000,270,10\n30000,280,60\n")
    before = winds.read_bytes()
    text = HAHO.read_text()
    text = "\n".join(
        ln
        for ln in text.splitlines()
        if not ln.startswith(("[[winds]]", "altitude", "from", "speed"))
    )
    text = text.replace("[site]", '[atmosphere]\nwinds_file = "w.csv"\nformat = "csv"\n\n[site]', 1)
    scen = tmp_path / "s.toml"
    scen.write_text(text)
    rc, _, err = main(capsys, "run", scen, "--trajectory", winds)
    assert rc == 2 and "is an input of this run" in one_line(err)
    assert winds.read_bytes() == before
    link = tmp_path / "link.csv"
    link.symlink_to(winds)
    rc, _, err = main(capsys, "run", scen, "--trajectory", link)
    assert rc == 2 and "is an input" in one_line(err)
    assert winds.read_bytes() == before


def test_replaced_output_keeps_mode_and_symlink(capsys, tmp_path):
    target = tmp_path / "real.csv"
    target.write_text("old\n")
    target.chmod(0o600)
    link = tmp_path / "t.csv"
    link.symlink_to(target)
    rc, _, err = main(capsys, "run", HAHO, "--trajectory", link, "-q")
    assert rc == 0, err
    assert link.is_symlink() and target.read_text().startswith("t_s,")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert _listing(tmp_path) == ["real.csv", "t.csv"]


def test_hard_linked_output_is_refused(capsys, tmp_path):
    a = tmp_path / "a.csv"
    a.write_text("keep\n")
    os.link(a, tmp_path / "b.csv")
    rc, _, err = main(capsys, "run", HAHO, "--trajectory", a)
    assert rc == 2 and "hard links" in one_line(err)
    assert a.read_text() == "keep\n"


# --- exit status for scripts, --quiet, a closed pipe ---------------------------------------------


def test_fail_on_and_quiet(capsys, tmp_path):
    import json

    _, out, _ = main(capsys, "run", HAHO, "--json")
    verdict = json.loads(out)["verdict"]
    rc_never, out_q, _ = main(capsys, "run", HAHO, "--quiet")
    assert rc_never == 0 and out_q == ""
    rc_nogo, _, _ = main(capsys, "run", HAHO, "-q", "--fail-on", "nogo")
    rc_caution, _, _ = main(capsys, "run", HAHO, "-q", "--fail-on", "caution")
    assert rc_nogo == (1 if verdict == "NO-GO" else 0)
    assert rc_caution == (0 if verdict == "GO" else 1)


def test_closed_pipe_loses_no_file(tmp_path):
    """`stuntsim run ... | head -c 1`: the report is written before anything is printed."""
    report = tmp_path / "r.html"
    cmd = [sys.executable, "-m", "stuntsim", "run", str(HAHO), "--report", str(report)]
    p1 = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT)
    assert p1.stdout is not None
    p1.stdout.read(1)
    p1.stdout.close()  # the reader goes away
    _, err = p1.communicate(timeout=300)
    assert "Traceback" not in err.decode()
    assert p1.returncode in (0, 141)  # 141: stdout closed (documented in docs/errors.md)
    assert report.exists() and report.stat().st_size > 1000
    assert not any(p.suffix == ".tmp" for p in tmp_path.iterdir())


def test_shell_completion_script(capsys):
    rc, out, _ = main(capsys, "--show-completion", "bash")
    assert rc == 0 and "_stuntsim_completion" in out and "complete " in out


def test_winds_from_devices_pipes_and_foreign_files(capsys, tmp_path, monkeypatch):
    rc, _, err = main(capsys, "winds", "/dev/zero", "--format", "csv")
    assert rc == 2 and "character device" in one_line(err)
    rc, _, err = main(capsys, "winds", "/dev/urandom", "--format", "wyoming")
    assert rc == 2 and "character device" in one_line(err)
    fifo = tmp_path / "w.fifo"
    os.mkfifo(fifo)
    monkeypatch.setenv("STUNTSIM_READ_TIMEOUT_S", "0.3")
    rc, _, err = main(capsys, "winds", fifo, "--format", "csv")
    assert rc == 2 and "named pipe" in one_line(err)
    monkeypatch.setenv("SECRET_FOR_TEST", "hunter2-do-not-print")
    rc, _, err = main(capsys, "winds", "/proc/self/environ", "--format", "csv")
    assert rc == 2 and "hunter2" not in err and "not text" in one_line(err)


def test_winds_prints_what_the_reader_dropped(capsys):
    sample = EXAMPLES / "data" / "wyoming-72681-BOI-2010-12-09-12Z.txt"
    rc, out, _ = main(capsys, "winds", sample, "--format", "wyoming")
    assert rc == 0 and "Note: dropped 2 rows repeating the level below" in out


def test_car_plan_work_is_capped(monkeypatch):
    from stuntsim.car.planner import PlannerSpec
    from stuntsim.cli.car import _check_work, planner_work
    from stuntsim.errors import StuntsimError

    small = PlannerSpec(free=())
    assert planner_work(small) == 6 * 1 * 9 * 5 + 17 * 2 + 32  # the defaults: 304
    _check_work(small)
    worst = PlannerSpec(free=(), population=50, generations=200, jitter_samples=64)
    with pytest.raises(StuntsimError, match="STUNTSIM_MAX_SIMULATIONS"):
        _check_work(worst)
    monkeypatch.setenv("STUNTSIM_MAX_SIMULATIONS", "1e7")
    _check_work(worst)


def test_output_over_the_dem_is_refused(capsys, tmp_path):
    import shutil

    shutil.copytree(EXAMPLES / "data", tmp_path / "data")
    shutil.copy(EXAMPLES / "fallout-heli-spiral.toml", tmp_path / "heli.toml")
    dem = tmp_path / "data" / "valley.tif"
    before = dem.read_bytes()
    (tmp_path / "r.html").symlink_to(dem)
    rc, _, err = main(capsys, "run", tmp_path / "heli.toml", "--report", tmp_path / "r.html")
    assert rc == 2 and "is an input of this run" in one_line(err)
    assert dem.read_bytes() == before


def test_notice_when_winds_stop_below_the_exit(capsys, tmp_path):
    import json

    text = HAHO.read_text().replace(
        '[[winds]]\naltitude = "24000 ft"\nfrom = "270 deg"\nspeed = "40 kt"\n', ""
    )
    assert "24000 ft" not in text.split("[jumper]")[0]
    scen = tmp_path / "low.toml"
    scen.write_text(text)
    rc, out, _ = main(capsys, "run", scen, "--json")
    assert rc == 0
    notes = json.loads(out)["notices"]
    assert notes == [
        "winds (scenario [[winds]]) stop at 3,658 m, below 7,620 m: above 3,658 m the wind is "
        "held at its top value"
    ]
    rc, out, _ = main(capsys, "run", scen)
    assert rc == 0 and "Note: winds (scenario [[winds]]) stop at 3,658 m" in out
    rc, out, _ = main(capsys, "run", HAHO, "--json")
    assert "notices" not in json.loads(out)  # the example's winds reach within 1 500 ft


def test_non_finite_guards():
    import numpy as np

    from stuntsim.report.export import (
        NonFiniteResult,
        csv_text,
        guard_physical,
        to_json_text,
    )

    with pytest.raises(NonFiniteResult, match=r"landing\.east_m"):
        to_json_text({"landing": {"east_m": float("nan")}})
    with pytest.raises(NonFiniteResult, match=r"events\[1\]\.t_s"):
        to_json_text({"events": [{"t_s": 1.0}, {"t_s": np.float64("inf")}]})
    check = {"id": "clutch_mismatch", "ok": True, "value": None, "limit": 300.0}
    with pytest.raises(NonFiniteResult, match="clutch_mismatch: passes without a value"):
        to_json_text({"checks": [check]})
    assert '"limit": null' in to_json_text({"checks": [{**check, "ok": False, "limit": None}]})
    t = np.array([0.0, 0.5, 1.0])
    with pytest.raises(NonFiniteResult, match=r"speed_m_s is 4\.6e\+18 at t = 0\.5 s"):
        guard_physical({"t_s": t, "speed_m_s": np.array([50.0, 4.6e18, 1.0])})
    with pytest.raises(NonFiniteResult, match="east_m is not a number at t = 1 s"):
        guard_physical({"t_s": t, "east_m": np.array([0.0, 1.0, np.nan])})
    guard_physical({"t_s": t, "wall_clearance_m": np.array([np.nan, 1.0, np.nan])})
    guard_physical({"t_s": t, "ratio": np.array([np.nan, np.inf, 1.0])})
    assert csv_text({"t_s": t, "x_m": np.array([1.0, np.nan, 2.0])}).splitlines()[2] == "0.5,"


def test_unphysical_masses_are_refused_by_the_schema(capsys, tmp_path):
    cases = [
        (EXAMPLES / "sport-13500.toml", 'mass = "90 kg"', 'mass = "0.15 kg"', "jumper.mass"),
        (EXAMPLES / "fallout-stairs.toml", "[vehicle]", '[vehicle]\nmass = "150 g"', "mass"),
    ]
    for src, old, new, field in cases:
        text = src.read_text()
        assert old in text
        scen = tmp_path / src.name
        scen.write_text(text.replace(old, new, 1))
        rc, _, err = main(capsys, "run", scen)
        line = one_line(err)
        assert rc == 2 and field in line and "greater than or equal to" in line, line


def test_winds_below_the_exit_is_a_caution_check(capsys, tmp_path):
    import json

    text = HAHO.read_text().replace(
        '[[winds]]\naltitude = "24000 ft"\nfrom = "270 deg"\nspeed = "40 kt"\n', ""
    )
    scen = tmp_path / "low.toml"
    scen.write_text(text)
    rc, out, _ = main(capsys, "run", scen, "--json")
    assert rc == 0
    check = next(c for c in json.loads(out)["checks"] if c["id"] == "data_coverage")
    assert not check["ok"] and check["severity"] == "caution"
    assert check["value"] == pytest.approx(12_000 * 0.3048)
    assert check["limit"] == pytest.approx((25_000 - 1_500) * 0.3048)
