"""The JSON envelope: the same top-level keys for every stunt kind.

``stuntsim run --json`` prints::

    {
      "schema_version": 2,
      "stuntsim_version": "0.1.0",
      "kind": "jump" | "heli" | "car" | ...,
      "name": the plan's name,
      "verdict": "GO" | "CAUTION" | "NO-GO",
      "checks": [{id, ok, severity, value, limit, unit, message, source, advice, margin, at}],
      ... then the kind's own keys (presenter.to_json(result)), SI only
    }

A kind's ``presenter.to_json`` returns only its own keys; it may not set an envelope key (the
contract test, tests/test_contract.py, holds every kind to that). Values are SI; non-finite
floats become ``null`` when the document is written (report.export.to_json_text).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from stuntsim.checks import Check
    from stuntsim.kinds import Result, StuntKind

SCHEMA_VERSION = 2
"""Version of the JSON document's layout: 2 = the common envelope (kind, name, verdict, checks
with advice and margin, then the kind's own keys)."""

ENVELOPE_KEYS = ("schema_version", "stuntsim_version", "kind", "name", "verdict", "checks")
CHECK_KEYS = (
    "id",
    "ok",
    "severity",
    "value",
    "limit",
    "unit",
    "message",
    "source",
    "advice",
    "margin",
    "at",
)


def check_record(check: Check) -> dict[str, Any]:
    """One check as a JSON record, keys in :data:`CHECK_KEYS` order."""
    d = check.to_dict()
    return {k: d.get(k) for k in CHECK_KEYS}


def head(kind_name: str, name: str, checks: Iterable[Check]) -> dict[str, Any]:
    """The envelope keys alone (also used by ``stuntsim mc`` for the nominal plan)."""
    from stuntsim import __version__
    from stuntsim.checks import verdict

    checks = list(checks)
    return {
        "schema_version": SCHEMA_VERSION,
        "stuntsim_version": __version__,
        "kind": kind_name,
        "name": name,
        "verdict": verdict(checks),
        "checks": [check_record(c) for c in checks],
    }


def merge(doc: dict[str, Any], own: Mapping[str, Any]) -> dict[str, Any]:
    """``doc`` followed by ``own``'s keys; a key of the envelope is never overwritten."""
    for key, value in own.items():
        if key not in ENVELOPE_KEYS:
            doc[key] = value
    return doc


def envelope(kind: StuntKind[Any, Any, Any], result: Result) -> dict[str, Any]:
    """The JSON document of one result: the envelope, then the kind's own keys."""
    doc = head(kind.name, kind.title(result), result.checks)
    return merge(doc, kind.presenter.to_json(result))
