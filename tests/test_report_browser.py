"""The HTML report and its 3-D viewer in a real headless Chromium, with software WebGL.

Chromium comes from Debian's package (`make browser` installs it); Playwright drives it through
its bundled driver with ``executable_path``, so nothing is downloaded, and SwiftShader (ANGLE)
draws WebGL on the CPU. One browser serves the whole session. For every example: no console
error, no request leaves the file, the canvas draws, and after ``seek(t)`` the viewer's state is
the trajectory at t (1 cm, 0.01 deg); the printed brief is one page. Screenshots of the viewer
at three times are saved under test-artifacts/ for a person to look at.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from conftest import EXAMPLES, ROOT, run_cli

ARTIFACTS = ROOT / "test-artifacts"
EXAMPLE_NAMES = sorted(p.stem for p in EXAMPLES.glob("*.toml"))
FILM = ("fallout-halo", "fallout-heli-spiral", "fallout-stairs")
MAX_REPORT_BYTES = 5 * 1024 * 1024

pytestmark = pytest.mark.browser


def chromium_path() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        p = shutil.which(name)
        if p:
            return p
    return None


@pytest.fixture(scope="session")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    exe = chromium_path()
    if exe is None:
        pytest.skip("Chromium is not installed (run `make browser` as root)")
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(
            executable_path=exe,
            headless=True,
            args=[
                "--no-sandbox",
                "--use-gl=angle",
                "--use-angle=swiftshader",
                "--enable-unsafe-swiftshader",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield b
        b.close()


class Reports:
    """Each example's report, made once by the real CLI when a test first asks for it
    (aviation units for the HALO)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.made: dict[str, Path] = {}

    def __getitem__(self, name: str) -> Path:
        if name not in self.made:
            path = self.folder / f"{name}.html"
            units = ("--units", "aviation") if name == "fallout-halo" else ()
            res = run_cli("run", EXAMPLES / f"{name}.toml", "--report", path, *units)
            assert res.returncode == 0, (name, res.stderr)
            self.made[name] = path
        return self.made[name]


@pytest.fixture(scope="session")
def reports(tmp_path_factory) -> Reports:
    return Reports(tmp_path_factory.mktemp("reports"))


class Page:
    """A report opened in the browser, with its console errors and requests."""

    def __init__(self, browser: Any, path: Path) -> None:
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.page = browser.new_page(viewport={"width": 1200, "height": 900})
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else 0)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.goto(path.resolve().as_uri(), wait_until="load")

    @property
    def external(self) -> list[str]:
        return [u for u in self.requests if not u.startswith(("file:", "data:", "about:"))]

    def __enter__(self) -> Page:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.page.close()


def _deg(tr: Any, base: str) -> np.ndarray:
    """A trajectory angle in degrees (presenters give ``<base>_rad``, older ones ``_deg``)."""
    if f"{base}_rad" in tr:
        return np.degrees(np.asarray(tr[f"{base}_rad"], float))
    return np.asarray(tr[f"{base}_deg"], float)


def expected_track(name: str) -> dict[str, np.ndarray]:
    """The example's trajectory as its kind's presenter gives it (simulated here, in-process),
    in the viewer's terms: position [east, north, up] and attitude [heading, pitch, roll]
    (heading deg clockwise from true north, pitch + nose up, roll + right side down)."""
    from stuntsim.scenario import load

    loaded = load(EXAMPLES / f"{name}.toml")
    kind = loaded.kind
    tr = kind.presenter.trajectory(kind.simulate(loaded.plan))
    t = np.asarray(tr["t_s"], float)
    zero = np.zeros_like(t)
    if kind.name == "jump":
        ve, vn, vu = (np.asarray(tr[k], float) for k in ("v_east_m_s", "v_north_m_s", "v_up_m_s"))
        up = tr["altitude_m"]
        heading = np.arctan2(ve, vn)  # the path's direction: the jumper is a point mass
        pitch = np.degrees(np.arctan2(vu, np.hypot(ve, vn)))
        roll = zero
    elif kind.name == "heli":
        up = tr["altitude_m"]
        heading = np.radians(_deg(tr, "heading"))
        pitch = zero  # the path model has no pitch
        roll = _deg(tr, "bank")
    else:  # car: ISO axes in the simulation, pitch + nose down, roll + left side up
        up = tr["height_m"]
        heading = np.radians(_deg(tr, "heading"))
        pitch, roll = -_deg(tr, "pitch"), _deg(tr, "roll")
    return {
        "t": t,
        "east": np.asarray(tr["east_m"], float),
        "north": np.asarray(tr["north_m"], float),
        "up": np.asarray(up, float),
        "heading": np.degrees(np.unwrap(heading)),
        "pitch": np.asarray(pitch, float),
        "roll": np.asarray(roll, float),
    }


CANVAS_PIXELS = """() => {
    const src = document.querySelector('#sv-canvas canvas');
    const c = document.createElement('canvas');
    c.width = src.width; c.height = src.height;
    const g = c.getContext('2d');
    g.drawImage(src, 0, 0);
    const d = g.getImageData(0, 0, c.width, c.height).data;
    const bg = [d[0], d[1], d[2]];
    let differ = 0; const colours = new Set();
    for (let i = 0; i < d.length; i += 4 * 7) {
        if (Math.abs(d[i] - bg[0]) + Math.abs(d[i + 1] - bg[1]) + Math.abs(d[i + 2] - bg[2]) > 30)
            differ++;
        colours.add((d[i] >> 3) * 1024 + (d[i + 1] >> 3) * 32 + (d[i + 2] >> 3));
    }
    return {w: c.width, h: c.height, samples: d.length / 28, differ, colours: colours.size};
}"""


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_viewer_follows_the_trajectory(browser, reports, name):
    path = reports[name]
    assert path.stat().st_size < MAX_REPORT_BYTES
    text = path.read_text()
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", text)
    exp = expected_track(name)
    with Page(browser, path) as p:
        assert p.page.evaluate("() => !!(window.stuntsimViewer && window.stuntsimViewer.ready)")
        duration = p.page.evaluate("() => window.stuntsimViewer.duration")
        # the timeline spans the whole trajectory (scene times are kept to 1 us)
        assert duration == pytest.approx(exp["t"][-1] - exp["t"][0], abs=1e-5)
        t0 = float(exp["t"][0])
        # several times: between samples, on events, the very end
        times = [t0 + f * duration for f in (0.0, 0.137, 0.5, 0.731, 0.9, 1.0)]
        for t in times:
            st = p.page.evaluate(f"() => window.stuntsimViewer.seek({t!r})")
            assert st["t"] == pytest.approx(t, abs=1e-9)
            want = [np.interp(t, exp["t"], exp[k]) for k in ("east", "north", "up")]
            # 1 cm: the scene keeps positions to 1 mm and interpolates linearly between the
            # same samples as np.interp does
            assert np.allclose(st["position_m"], want, atol=0.01), (t, st, want)
            hd, pt, rl = st["attitude_deg"]
            want_hd = np.interp(t, exp["t"], exp["heading"]) % 360.0
            assert abs((hd - want_hd + 180.0) % 360.0 - 180.0) < 0.01, (t, hd, want_hd)
            assert pt == pytest.approx(np.interp(t, exp["t"], exp["pitch"]), abs=0.01)
            assert rl == pytest.approx(np.interp(t, exp["t"], exp["roll"]), abs=0.01)
        # the canvas draws: seen from the side, much of the picture is not the sky colour of
        # its corner, and it has many colours
        p.page.evaluate("() => window.stuntsimViewer.setCamera('side')")
        p.page.evaluate(f"() => window.stuntsimViewer.seek({t0 + 0.5 * duration!r})")
        px = p.page.evaluate(CANVAS_PIXELS)
        assert px["w"] > 300 and px["h"] > 200
        assert px["differ"] > 0.05 * px["samples"], px
        assert px["colours"] > 20, px
        # screenshots of the viewer at three times, each camera preset once
        ARTIFACTS.mkdir(exist_ok=True)
        cams = p.page.evaluate(
            "() => [...document.querySelectorAll('#sv-cams button')].map(b => b.dataset.cam)"
        )
        assert {"chase", "top", "side"} <= set(cams)
        for i, (f, cam) in enumerate(((0.05, "chase"), (0.45, "side"), (0.85, cams[-1]))):
            p.page.evaluate(f"() => window.stuntsimViewer.setCamera({cam!r})")
            p.page.evaluate(f"() => window.stuntsimViewer.seek({t0 + f * duration!r})")
            p.page.locator("#viewer").screenshot(path=str(ARTIFACTS / f"viewer-{name}-{i}.png"))
        # playing moves time forward
        p.page.evaluate("() => { window.stuntsimViewer.seek(0); window.stuntsimViewer.play(); }")
        p.page.wait_for_function(f"() => window.stuntsimViewer.state().t > {t0!r}", timeout=30000)
        p.page.evaluate("() => window.stuntsimViewer.pause()")
        # the kind's figures below the viewer are drawn with a real size
        sizes = p.page.evaluate(
            "() => [...document.querySelectorAll('figure svg')]"
            ".map(s => s.getBoundingClientRect().width)"
        )
        assert sizes and min(sizes) > 300, sizes
        assert p.errors == []
        assert p.external == []  # self-contained: no request to any host


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_printed_brief_is_one_page(browser, reports, name):
    with Page(browser, reports[name]) as p:
        pdf = p.page.pdf(format="A4", print_background=True)
        pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
        assert pages == 1, (name, pages)
        brief = p.page.evaluate("() => document.getElementById('brief')?.innerText || ''")
        assert p.errors == []
    assert "Checks" in brief
    kind_words = {"jump": "jump run, true", "heli": "segment", "car": "cone"}
    assert any(w in brief for w in kind_words.values()), brief[:300]


def test_jump_card_carries_the_release_point(browser, reports):
    with Page(browser, reports["fallout-halo"]) as p:
        brief = p.page.evaluate("() => document.getElementById('brief').innerText")
    assert "jump run, true" in brief and "jump run, magnetic" in brief
    assert "release point MGRS" in brief
    # an MGRS reference: zone, band, 100 km square, 5 + 5 digits (1 m)
    assert re.search(r"\d{1,2}[C-X] [A-Z]{2} \d{5} \d{5}", brief), brief
    assert "green light" in brief and "red light" in brief and "Winds" in brief
    assert "no jump-run solution" not in brief  # the jumpmaster block gives both lights
    # magnetic = true - declination (east positive), from the WMM via the jump-run block
    m = re.search(
        r"jump run, true\s+(\d+\.\d)°.*?jump run, magnetic\s+(\d+\.\d)° "
        r"\(declination ([+-]\d+\.\d)°",
        brief,
        re.S,
    )
    assert m, brief[:400]
    true_hd, mag, dec = (float(x) for x in m.groups())
    assert (true_hd - dec - mag + 180.0) % 360.0 - 180.0 == pytest.approx(0.0, abs=0.11)


def test_jump_report_sections_render(browser, reports):
    path = reports["fallout-halo"]
    with Page(browser, path) as p:
        info = p.page.evaluate(
            """() => ({
                verdict: document.getElementById('verdict')?.textContent,
                svgSizes: [...document.querySelectorAll('figure svg')].map(
                    s => s.getBoundingClientRect().width),
                checks: document.querySelectorAll('table.checks tbody tr').length,
                headings: [...document.querySelectorAll('h2')].map(h => h.textContent),
            })"""
        )
        p.page.screenshot(path=str(ARTIFACTS / "fallout-halo-report.png"), full_page=True)
        assert p.errors == []
    assert info["verdict"] in ("GO", "CAUTION", "NO-GO")
    assert info["checks"] >= 8
    assert info["headings"][0] == "3-D view"
    assert any("Ground track" in h for h in info["headings"]), info["headings"]
    assert info["svgSizes"] and min(info["svgSizes"]) > 300
    assert "ft" in path.read_text()  # display units follow --units


def test_monte_carlo_report_draws_the_cloud(browser, tmp_path):
    report = tmp_path / "mc.html"
    res = run_cli(
        "mc", EXAMPLES / "haho-cross-country.toml", "-n", "300", "--seed", "1", "--report", report
    )
    assert res.returncode == 0, res.stderr
    assert report.stat().st_size < MAX_REPORT_BYTES
    with Page(browser, report) as p:
        layer = p.page.evaluate(
            """() => JSON.parse(document.getElementById('stuntsim-scene').textContent)
                   .objects.filter(o => o.layer === 'montecarlo').map(o => o.points.length)"""
        )
        p.page.evaluate("() => window.stuntsimViewer.setCamera('top')")
        p.page.evaluate("() => window.stuntsimViewer.seek(window.stuntsimViewer.duration)")
        p.page.locator("#viewer").screenshot(path=str(ARTIFACTS / "viewer-haho-mc.png"))
        brief = p.page.evaluate("() => document.getElementById('brief').innerText")
        pdf = p.page.pdf(format="A4", print_background=True)
        assert p.errors == []
        assert p.external == []
    assert layer and layer[0] == 300  # one landing point per sample
    assert "Monte Carlo, 300 runs: P(GO)" in brief  # the printed card carries the odds
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1
