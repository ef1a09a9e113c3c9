"""KML (Google Earth) and GPX (GPS devices) files of a stunt: its track and its key points.

Both are made from the viewer's scene (stuntsim.report.viewer), so every kind with a scene and
a geographic site exports the same way: the track (east, north, up) and the scene's
``waypoints`` are turned into latitude and longitude with the site's local East-North-Up
frame (pymap3d.enu2geodetic on WGS84, through ``plan.site.to_geodetic``); heights are metres
above mean sea level, as the simulation's altitudes are (KML ``altitudeMode=absolute``, GPX
``ele``). Written with simplekml and gpxpy. A kind without a site (the car's stairs are a
local frame) cannot be exported: that is a one-line error naming the option.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from stuntsim.errors import StuntsimError

MAX_POINTS = 5000  # track points written (GPS devices cap tracks at a few thousand points)


def _site(result: Any) -> Any:
    site = getattr(getattr(result, "plan", None), "site", None)
    if site is None or not hasattr(site, "to_geodetic"):
        return None
    return site


def geo_track(kind: str, result: Any) -> dict[str, Any] | None:
    """Track and key points in latitude, longitude (deg) and height MSL (m), or None when
    the kind has no scene or no site."""
    from stuntsim.report.viewer import build_scene
    from stuntsim.units import Display

    site = _site(result)
    if site is None:
        return None
    scene = build_scene(kind, result, Display("si"))
    if scene is None:
        return None
    tr = scene["track"]
    step = max(1, len(tr["t"]) // MAX_POINTS)
    t = np.asarray(tr["t"], float)[::step]
    e = np.asarray(tr["east"], float)[::step]
    n = np.asarray(tr["north"], float)[::step]
    u = np.asarray(tr["up"], float)[::step]
    if len(tr["t"]) > 1 and (len(tr["t"]) - 1) % step:  # keep the last point
        t, e, n, u = (
            np.append(a, b[-1])
            for a, b in zip((t, e, n, u), (tr["t"], tr["east"], tr["north"], tr["up"]), strict=True)
        )
    elev = float(getattr(site, "elevation", 0.0) or 0.0)
    lat, lon = site.to_geodetic(e, n, u - elev)
    points = []
    for w in scene.get("waypoints", []):
        we, wn, wu = (float(x) for x in w["at"])
        wl, wo = site.to_geodetic(we, wn, wu - elev)
        points.append(
            {"name": str(w["name"]), "lat": float(wl), "lon": float(wo), "ele": wu, "t": w.get("t")}
        )
    return {
        "name": scene.get("title") or kind,
        "t": t,
        "lat": np.asarray(lat, float),
        "lon": np.asarray(lon, float),
        "ele": u,
        "points": points,
    }


def _need(kind: str, result: Any, option: str) -> dict[str, Any]:
    g = geo_track(kind, result)
    if g is None:
        raise StuntsimError(
            f"{option}: a {kind} scenario has no geographic position (no site), nothing to export"
        )
    return g


def kml_text(kind: str, result: Any) -> str:
    """A KML document: the track as an absolute-altitude line, the key points as placemarks."""
    import simplekml

    g = _need(kind, result, "--kml")
    doc = simplekml.Kml(name=f"{g['name']} (stuntsim)")
    line = doc.newlinestring(name=f"{g['name']}: track")
    line.coords = [
        (float(lo), float(la), float(z))
        for lo, la, z in zip(g["lon"], g["lat"], g["ele"], strict=True)
    ]
    line.altitudemode = simplekml.AltitudeMode.absolute
    line.extrude = 0
    line.style.linestyle.width = 3
    line.style.linestyle.color = simplekml.Color.red
    folder = doc.newfolder(name="key points")
    for p in g["points"]:
        pm = folder.newpoint(name=p["name"], coords=[(p["lon"], p["lat"], p["ele"])])
        pm.altitudemode = simplekml.AltitudeMode.absolute
        if p.get("t") is not None:
            pm.description = f"t = {float(p['t']):.1f} s, {p['ele']:.0f} m MSL"
    return str(doc.kml())


def gpx_text(kind: str, result: Any) -> str:
    """A GPX 1.1 document: one track (elevation MSL) and the key points as waypoints."""
    import gpxpy.gpx

    g = _need(kind, result, "--gpx")
    gpx = gpxpy.gpx.GPX()
    gpx.creator = "stuntsim"
    gpx.name = str(g["name"])
    track = gpxpy.gpx.GPXTrack(name=str(g["name"]))
    seg = gpxpy.gpx.GPXTrackSegment()
    for la, lo, z in zip(g["lat"], g["lon"], g["ele"], strict=True):
        seg.points.append(gpxpy.gpx.GPXTrackPoint(float(la), float(lo), elevation=float(z)))
    track.segments.append(seg)
    gpx.tracks.append(track)
    for p in g["points"]:
        w = gpxpy.gpx.GPXWaypoint(p["lat"], p["lon"], elevation=p["ele"], name=p["name"])
        if p.get("t") is not None:
            w.description = f"t = {float(p['t']):.1f} s"
        gpx.waypoints.append(w)
    return str(gpx.to_xml(version="1.1"))
