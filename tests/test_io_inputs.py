"""Reading user input files: size cap, time limit, folders/devices/pipes named as such, no file
contents in error lines, and the data-coverage caution when winds stop below the exit."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from stuntsim.errors import (
    DataFileError,
    ScenarioError,
    StuntsimError,
    excerpt,
    read_input_bytes,
)
from stuntsim.io.winds import read_winds, winds_from_bytes
from stuntsim.scenario.common import AtmosphereSection, WindLayer
from stuntsim.scenario.world import COVERAGE_TOLERANCE_M, build_air, coverage_check

from conftest import EXAMPLES

FT = 0.3048


def _err(path, **kw) -> str:
    with pytest.raises(ScenarioError) as info:
        read_input_bytes(path, **kw)
    text = str(info.value)
    assert "\n" not in text
    return text


def test_regular_file_is_read(tmp_path: Path):
    f = tmp_path / "a.toml"
    f.write_bytes(b"kind = 'jump'\n")
    assert read_input_bytes(f) == b"kind = 'jump'\n"


@pytest.mark.parametrize(
    ("path", "fragment"),
    [
        ("/dev/zero", "is a character device"),
        ("/dev/urandom", "is a character device"),
        ("/dev/null", "is a character device"),
    ],
)
def test_devices_are_refused_at_once(path, fragment):
    if not os.path.exists(path):
        pytest.skip(f"{path} absent")
    assert fragment in _err(path)


def test_folder_missing_and_odd_names(tmp_path: Path):
    assert "is a folder, not a file" in _err(tmp_path)
    assert "file not found" in _err(tmp_path / "nope.toml")
    f = tmp_path / "f.txt"
    f.write_text("x")
    assert "a folder in the path is a file" in _err(f / "below.toml")
    long = _err("x" * 100_000)  # ENAMETOOLONG, and the path is cut in the error line
    assert "file name too long" in long and len(long) < 400
    assert "NUL" in _err("a\0b")
    assert "?" in _err(tmp_path / "new\nline.toml")  # a newline in a name stays one line


def test_size_cap_is_configurable(tmp_path: Path, monkeypatch):
    f = tmp_path / "big.csv"
    f.write_bytes(b"x" * 3000)
    assert "capped at" in _err(f, max_bytes=1000)
    monkeypatch.setenv("STUNTSIM_MAX_INPUT_MB", "0.001")  # 1 048 bytes
    msg = _err(f)
    assert "STUNTSIM_MAX_INPUT_MB" in msg
    monkeypatch.setenv("STUNTSIM_MAX_INPUT_MB", "1")
    assert len(read_input_bytes(f)) == 3000
    monkeypatch.setenv("STUNTSIM_MAX_INPUT_MB", "lots")
    with pytest.raises(StuntsimError, match="STUNTSIM_MAX_INPUT_MB"):
        read_input_bytes(f)


def test_proc_file_of_unknown_size_is_capped():
    """/proc files report size 0: the cap holds while reading, not only from stat()."""
    if not os.path.exists("/proc/self/status"):
        pytest.skip("no /proc")
    assert "cap" in _err("/proc/self/status", max_bytes=10)


def test_fifo_without_writer_does_not_hang(tmp_path: Path):
    fifo = tmp_path / "winds.fifo"
    os.mkfifo(fifo)
    t0 = time.monotonic()
    msg = _err(fifo, timeout_s=0.3)
    assert "nothing was written to the named pipe" in msg
    assert time.monotonic() - t0 < 20  # generous: the point is it returns at all


def test_fifo_with_a_writer_is_read(tmp_path: Path):
    fifo = tmp_path / "winds.fifo"
    os.mkfifo(fifo)

    def writer():
        time.sleep(0.2)
        with open(fifo, "wb") as fh:
            fh.write(b"altitude_ft,from_deg,speed_kt\n1000,270,10\n")

    th = threading.Thread(target=writer)
    th.start()
    try:
        data = read_input_bytes(fifo, timeout_s=20)
    finally:
        th.join()
    assert data.startswith(b"altitude_ft")


def test_fifo_over_the_cap(tmp_path: Path):
    fifo = tmp_path / "big.fifo"
    os.mkfifo(fifo)

    def writer():
        with open(fifo, "wb") as fh:
            try:
                fh.write(b"y" * 100_000)
            except BrokenPipeError:
                pass

    th = threading.Thread(target=writer)
    th.start()
    try:
        msg = _err(fifo, max_bytes=1000, timeout_s=20)
    finally:
        th.join(timeout=20)
    assert "cap" in msg


SECRET = "hunter2-SECRET-TOKEN"


@pytest.mark.parametrize("fmt", ["fb", "wyoming", "csv"])
@pytest.mark.parametrize(
    "content",
    [
        f"root:$6$saltsalt${SECRET}:19000:0:99999:7:::\ndaemon:*:19000:0:99999:7:::\n",
        f"PATH=/usr/bin\0API_KEY={SECRET}\0HOME=/root\0",
        f"{SECRET}\n",
        f"{SECRET},{SECRET}\n1,2\n",
    ],
)
def test_no_file_contents_in_errors_for_a_file_of_another_format(tmp_path, fmt, content):
    """Pointing a winds file at /etc/shadow or /proc/self/environ must not leak a line."""
    f = tmp_path / "shadow"
    f.write_text(content)
    with pytest.raises(DataFileError) as info:
        read_winds(f, fmt, "MKC" if fmt == "fb" else None)
    assert SECRET not in str(info.value)
    assert "hunter" not in str(info.value)


def test_real_shadow_and_environ_do_not_leak(monkeypatch):
    monkeypatch.setenv("STUNTSIM_TEST_SECRET", SECRET)
    for path in ("/proc/self/environ", "/etc/shadow", "/etc/passwd"):
        if not os.access(path, os.R_OK):
            continue
        for fmt in ("fb", "wyoming", "csv"):
            with pytest.raises(DataFileError) as info:
                read_winds(path, fmt, "MKC" if fmt == "fb" else None)
            text = str(info.value)
            assert SECRET not in text and "root" not in text.removeprefix(path), text


def test_excerpt_is_short_and_printable():
    assert excerpt("abc") == "'abc'"
    e = excerpt("é\x1b[31m" + "z" * 100)
    assert len(e) <= 26 and "\x1b" not in e and e.endswith("…'")


def test_binary_file_error_does_not_quote_the_byte():
    with pytest.raises(DataFileError) as info:
        winds_from_bytes(b"altitude_ft,from_deg,speed_kt\n\xff\xfe\n", "w.csv", "csv")
    assert info.value.field == "line 2" and "0xff" not in str(info.value)


# --- data coverage ---------------------------------------------------------------------------


def _air(layers_ft: list[int]):
    layers = [
        WindLayer.model_validate({"altitude": f"{a} ft", "from": "270 deg", "speed": "10 kt"})
        for a in layers_ft
    ]
    return build_air(None, layers, Path("s.toml"))


def test_coverage_caution_when_winds_stop_below_the_exit():
    exit_m = 25_000 * FT
    c = coverage_check(_air([3000, 9000, 12000]), exit_m)
    assert c is not None and c.severity == "caution" and c.id == "data_coverage"
    rec = c.record(0)
    assert not rec.ok
    assert rec.value == pytest.approx(12_000 * FT)
    assert rec.limit == pytest.approx(exit_m - COVERAGE_TOLERANCE_M)
    assert "stop at 3,658 m, below 7,620 m" in rec.message
    assert rec.advice is not None and "7,163 m" in rec.advice
    # within 1 500 ft of the exit: passes (an FB level spacing of 3 000 ft, halved)
    ok = coverage_check(_air([3000, 12000, 24000]), exit_m).record(0)
    assert ok.ok and ok.advice is None
    # a batch: the exit altitude may be sampled
    batch = coverage_check(_air([12000]), np.array([12_500 * FT, 14_000 * FT]))
    assert batch.ok.tolist() == [True, False]


def test_coverage_none_for_calm_standard_air():
    assert coverage_check(build_air(None, None, Path("s.toml")), 7620.0) is None


def test_coverage_of_a_sounding_counts_its_temperatures(tmp_path: Path):
    rule = "-" * 77
    text = (
        f"{rule}\n"
        "   PRES   HGHT   TEMP   DWPT   RELH   MIXR   DRCT   SKNT   THTA   THTE   THTV\n"
        "    hPa     m      C      C      %    g/kg    deg   knot     K      K      K \n"
        f"{rule}\n"
        "  850.0   1500   10.0    5.0     70   6.00    250     10  290.0  300.0  291.0\n"
        "  700.0   3000    0.0   -5.0     70   3.00    260     20\n"
        "  300.0   9000                                270     60\n"
    )
    f = tmp_path / "snd.txt"
    f.write_text(text)
    atm = AtmosphereSection(winds_file="snd.txt", format="wyoming")
    air = build_air(atm, None, tmp_path / "s.toml")
    c = coverage_check(air, 8000.0).record(0)
    assert not c.ok and "temperatures" in c.message and "winds" not in c.message.split(";")[0]
    assert c.value == pytest.approx(3000.0, abs=2.0)  # geometric, +1.4 m at 3 km


def test_scenario_winds_file_that_is_a_folder_or_fifo(tmp_path: Path):
    (tmp_path / "winds").mkdir()
    atm = AtmosphereSection(winds_file="winds", format="csv")
    with pytest.raises(ScenarioError) as info:
        build_air(atm, None, tmp_path / "s.toml")
    assert info.value.field == "atmosphere.winds_file"
    assert "is a folder" in str(info.value) and "not found" not in str(info.value)
    os.mkfifo(tmp_path / "w.fifo")
    os.environ["STUNTSIM_READ_TIMEOUT_S"] = "0.2"
    try:
        with pytest.raises(DataFileError, match="named pipe"):
            build_air(
                AtmosphereSection(winds_file="w.fifo", format="csv"), None, tmp_path / "s.toml"
            )
    finally:
        del os.environ["STUNTSIM_READ_TIMEOUT_S"]


def test_sample_files_still_read():
    d = read_winds(EXAMPLES / "data" / "winds-dz.csv", "csv")
    assert d.wind_top_m == pytest.approx(30_000 * FT)  # the last row of the file
