"""Read a scenario file, validate it with its kind's pydantic model, and build the plan.

All user errors surface here as :class:`~stuntsim.errors.ScenarioError` naming the file and the
field, before anything is simulated or written.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from stuntsim.errors import ScenarioError, read_input_bytes


@dataclass(frozen=True)
class LoadedScenario:
    path: Path
    kind: Any  # a stuntsim.kinds.StuntKind
    model: Any  # the validated pydantic model
    plan: Any  # what kind.simulate() takes


def read_toml(path: str | Path) -> dict[str, Any]:
    p = Path(path)
    raw = read_input_bytes(p)
    try:
        return tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ScenarioError(p, None, "not a TOML file (not UTF-8 text)") from None
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(p, None, f"not valid TOML: {exc}") from None


def field_path(loc: tuple[Any, ...]) -> str:
    """``('winds', 2, 'speed')`` -> ``'winds[2].speed'``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def _message(err: dict[str, Any]) -> str:
    kind = err.get("type", "")
    if kind == "extra_forbidden":
        return "unknown key (check the spelling; see docs/scenario.md)"
    if kind == "missing":
        return "required key is missing"
    msg = str(err.get("msg", "invalid value"))
    return msg.removeprefix("Value error, ")


def validate(model_cls: Any, doc: dict[str, Any], path: Path) -> Any:
    from pydantic import ValidationError

    try:
        return model_cls.model_validate(doc)
    except ValidationError as exc:
        err = exc.errors()[0]
        # Strip pydantic's internal markers (function-after etc.) from the location
        loc = tuple(p for p in err.get("loc", ()) if not (isinstance(p, str) and "[" in p))
        raise ScenarioError(path, field_path(loc) or None, _message(err)) from None


def load(path: str | Path) -> LoadedScenario:
    """Read, validate and build a scenario; raise ScenarioError on any user error."""
    from stuntsim.kinds import KIND_NAMES, get_kind

    p = Path(path)
    doc = read_toml(p)
    kind_name = doc.get("kind")
    if kind_name is None:
        raise ScenarioError(p, "kind", f"required key is missing (one of {', '.join(KIND_NAMES)})")
    if kind_name not in KIND_NAMES:
        raise ScenarioError(p, "kind", f"unknown kind {kind_name!r}; use {', '.join(KIND_NAMES)}")
    kind = get_kind(kind_name)
    model = validate(kind.model, doc, p)
    plan = kind.build(model, p)
    return LoadedScenario(path=p, kind=kind, model=model, plan=plan)
