"""Read a scenario file, validate it with its kind's pydantic model, and build the plan.

All user errors surface here as :class:`~stuntsim.errors.ScenarioError` naming the file and the
field, before anything is simulated or written.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from stuntsim.errors import ScenarioError, StuntsimError, excerpt, read_input_bytes


@dataclass(frozen=True)
class LoadedScenario:
    path: Path
    kind: Any  # a stuntsim.kinds.StuntKind
    model: Any  # the validated pydantic model
    plan: Any  # what kind.simulate() takes


MAX_DEPTH = 16  # tables and arrays inside each other; the schemas need 5
MAX_TEXT = 4096  # characters in one string (PATH_MAX on Linux); names need 40
MAX_INT = 2**53  # integers beyond this lose precision as floats and count nothing real
MAX_ITEMS = 100_000  # values in the whole document


def read_toml(path: str | Path) -> dict[str, Any]:
    """The TOML document of a scenario file, checked by :func:`check_document`."""
    p = Path(path)
    raw = read_input_bytes(p)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ScenarioError(p, None, "not a TOML file (not UTF-8 text)") from None
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        # tomllib's messages name the line and column, never the text there
        raise ScenarioError(p, None, f"not valid TOML: {exc}") from None
    except RecursionError:
        raise ScenarioError(
            p, None, f"not a usable TOML file: arrays or tables nested far over {MAX_DEPTH} deep"
        ) from None
    except ValueError as exc:  # Python's 4 300-digit limit on integer strings, and the like
        if "digits" in str(exc):
            raise ScenarioError(
                p, None, "not a usable TOML file: an integer with thousands of digits"
            ) from None
        raise ScenarioError(p, None, "not valid TOML: a value cannot be read") from None
    check_document(doc, p)
    return doc


def check_document(doc: dict[str, Any], path: Path) -> None:
    """Refuse what no scenario holds, before the schema sees it: nesting deeper than
    :data:`MAX_DEPTH`, strings longer than :data:`MAX_TEXT` or with control characters,
    integers beyond :data:`MAX_INT`, NaN or infinite floats, more than :data:`MAX_ITEMS`
    values. Iterative (no recursion), so a hostile document cannot exhaust the stack."""
    stack: list[tuple[Any, str, int]] = [(doc, "", 0)]
    count = 0
    while stack:
        value, where, depth = stack.pop()
        count += 1
        field = where or None
        if count > MAX_ITEMS:
            raise ScenarioError(path, None, f"more than {MAX_ITEMS:,} values; not a scenario")
        if depth > MAX_DEPTH:
            raise ScenarioError(path, field, f"nested more than {MAX_DEPTH} deep")
        if isinstance(value, dict):
            for key, item in value.items():
                key = str(key)
                if len(key) > 100 or not key.isprintable():
                    raise ScenarioError(path, field, "a key that is not a name (too long or odd)")
                stack.append((item, f"{where}.{key}" if where else key, depth + 1))
        elif isinstance(value, list):
            for i, item in enumerate(value):
                stack.append((item, f"{where}[{i}]", depth + 1))
        elif isinstance(value, str):
            if len(value) > MAX_TEXT:
                raise ScenarioError(
                    path, field, f"text of {len(value):,} characters (at most {MAX_TEXT:,})"
                )
            if any(not ch.isprintable() and ch not in "\t\n" for ch in value):
                raise ScenarioError(path, field, "the text contains a control character")
        elif isinstance(value, bool):
            continue
        elif isinstance(value, int):
            if abs(value) > MAX_INT:
                raise ScenarioError(path, field, f"integer beyond ±2^53 (it has {_digits(value)})")
        elif isinstance(value, float):
            if not math.isfinite(value):
                raise ScenarioError(path, field, f"{value} is not a finite number")


def _digits(n: int) -> str:
    return f"{len(str(abs(n)))} digits"


def field_path(loc: tuple[Any, ...]) -> str:
    """``('winds', 2, 'speed')`` -> ``'winds[2].speed'``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def _message(err: Mapping[str, Any]) -> str:
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
    except (TypeError, ArithmeticError, IndexError, KeyError, RecursionError) as exc:
        # a validator that met a value of a shape it did not expect
        raise ScenarioError(path, None, f"invalid value ({type(exc).__name__})") from None
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
    if not isinstance(kind_name, str) or kind_name not in KIND_NAMES:
        raise ScenarioError(
            p, "kind", f"unknown kind {excerpt(kind_name)}; use {', '.join(KIND_NAMES)}"
        )
    kind = get_kind(kind_name)
    model = validate(kind.model, doc, p)
    try:
        plan = kind.build(model, p)
    except StuntsimError:
        raise
    except (ArithmeticError, ValueError, IndexError, MemoryError, RecursionError) as exc:
        # Values the schema let through but the plan cannot be built from: still the user's
        # input, so one line and status 2, naming what failed.
        raise ScenarioError(
            p, None, f"cannot build a plan from these values ({type(exc).__name__}: {exc})"
        ) from None
    return LoadedScenario(path=p, kind=kind, model=model, plan=plan)
