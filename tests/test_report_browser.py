"""The HTML report opened in a real headless Chromium: renders, no console errors, offline.

Chromium comes from Debian's package (`make browser` installs it); Playwright drives it through
its bundled driver with ``executable_path``, so nothing is downloaded. A screenshot of each
report is saved under test-artifacts/ for a person to look at.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from conftest import EXAMPLES, ROOT, run_cli

ARTIFACTS = ROOT / "test-artifacts"

pytestmark = pytest.mark.browser


def chromium_path() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        p = shutil.which(name)
        if p:
            return p
    return None


def open_in_chromium(html_path: Path, screenshot: Path) -> dict:
    sync_api = pytest.importorskip("playwright.sync_api")
    exe = chromium_path()
    if exe is None:
        pytest.skip("Chromium is not installed (run `make browser` as root)")
    errors: list[str] = []
    requests: list[str] = []
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=exe,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("request", lambda r: requests.append(r.url))
        page.goto(html_path.resolve().as_uri(), wait_until="load")
        info = page.evaluate(
            """() => ({
                title: document.title,
                verdict: document.getElementById('verdict')?.textContent,
                svgs: document.querySelectorAll('svg').length,
                svgSizes: [...document.querySelectorAll('figure svg')].map(
                    s => s.getBoundingClientRect().width),
                checks: document.querySelectorAll('table.checks tbody tr').length,
                headings: [...document.querySelectorAll('h2')].map(h => h.textContent),
            })"""
        )
        screenshot.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(screenshot), full_page=True)
        browser.close()
    info["errors"] = errors
    info["external"] = [u for u in requests if not u.startswith(("file:", "data:", "about:"))]
    return info


def test_jump_report_renders_offline(tmp_path):
    report = tmp_path / "fallout.html"
    res = run_cli("run", EXAMPLES / "fallout-halo.toml", "--report", report, "--units", "aviation")
    assert res.returncode == 0, res.stderr
    info = open_in_chromium(report, ARTIFACTS / "fallout-halo-report.png")
    assert info["errors"] == []
    assert info["external"] == []  # self-contained: no request to any host
    assert info["verdict"] in ("GO", "CAUTION", "NO-GO")
    assert info["checks"] >= 8
    for heading in (
        "Checks",
        "Altitude and speed against time",
        "Ground track",
    ):
        assert any(heading in h for h in info["headings"]), info["headings"]
    assert any("Wind profile" in h for h in info["headings"])
    assert any("Mach" in h for h in info["headings"])
    # every figure is drawn with a real size
    assert info["svgSizes"] and min(info["svgSizes"]) > 300
    text = report.read_text()
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", text)
    assert "ft" in text  # display units follow --units


def test_heli_report_renders_offline(tmp_path):
    report = tmp_path / "heli.html"
    res = run_cli("run", EXAMPLES / "fallout-heli-spiral.toml", "--report", report)
    assert res.returncode == 0, res.stderr
    info = open_in_chromium(report, ARTIFACTS / "fallout-heli-spiral-report.png")
    assert info["errors"] == []
    assert info["external"] == []
    assert info["checks"] >= 8
    assert info["svgSizes"] and min(info["svgSizes"]) > 300
    joined = " ".join(info["headings"])
    for word in ("terrain", "3-D view", "vortex ring state", "camera rigs"):
        assert word.lower() in joined.lower(), info["headings"]


def test_monte_carlo_report_renders_offline(tmp_path):
    report = tmp_path / "mc.html"
    res = run_cli(
        "mc", EXAMPLES / "haho-cross-country.toml", "-n", "2000", "--seed", "1", "--report", report
    )
    assert res.returncode == 0, res.stderr
    info = open_in_chromium(report, ARTIFACTS / "haho-cross-country-mc-report.png")
    assert info["errors"] == []
    assert info["external"] == []
    assert any("ispersion" in h for h in info["headings"]), info["headings"]


def test_car_report_renders_offline(tmp_path):
    report = tmp_path / "car.html"
    res = run_cli("run", EXAMPLES / "fallout-stairs.toml", "--report", report)
    assert res.returncode == 0, res.stderr
    info = open_in_chromium(report, ARTIFACTS / "fallout-stairs-report.png")
    assert info["errors"] == []
    assert info["external"] == []
    assert info["checks"] >= 6
    assert info["svgSizes"] and min(info["svgSizes"]) > 300
