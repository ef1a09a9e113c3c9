"""Exports: JSON (SI, NaN refused), trajectory CSV, and all-or-nothing file writes.

A run's outputs are written together by :func:`write_all`: every target is checked first (not
an input of the run, not a folder, a device or a hard-linked file), every file is written to a
temporary name beside its target, and only when all of them are complete are they renamed into
place. A run that cannot write one of its files (a read-only folder, a full disk, ``/dev/full``,
a report path that is a folder) writes none of them and raises one
:class:`~stuntsim.errors.StuntsimError` saying why, and no temporary file is left.

A replaced file keeps its mode (and, where the user may, its owner); a symlink is written
through to its target; a file with several hard links is refused rather than split from its
links. Temporary files are also registered in :data:`LIVE_TEMPS` so that the command line can
remove them when a signal ends the run (:func:`remove_live_temps`).

NaN and infinity: a float that is not finite anywhere in a JSON document is an error naming
the key (:class:`NonFiniteResult`), never ``NaN`` or a silent ``null``; ``None`` is how a
result says "not applicable". A check that passes with a missing value against a limit is the
same error: a check cannot pass on a number it does not have.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import stat
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from stuntsim.errors import StuntsimError, shown_path

LIVE_TEMPS: set[str] = set()  # temporary files of outputs not yet renamed into place


class OutputError(StuntsimError):
    """An output that cannot (or must not) be written; nothing of the run was written."""


class NonFiniteResult(StuntsimError):
    """A result holding NaN or infinity where a number belongs (the model left its range)."""


# --- JSON ------------------------------------------------------------------------------------


def jsonable(obj: Any) -> Any:
    """Convert numpy scalars/arrays and dataclass-like checks for JSON; non-finite floats stay
    (``to_json_text`` refuses them, naming where)."""
    if isinstance(obj, Mapping):
        return {str(k): jsonable(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [jsonable(v) for v in obj]
    if hasattr(obj, "to_dict"):
        return jsonable(obj.to_dict())
    if hasattr(obj, "tolist"):  # numpy scalar or array
        return jsonable(obj.tolist())
    return obj


def non_finite_paths(doc: Any, limit: int = 5) -> list[str]:
    """Key paths (``landing.east_m``, ``events[3].t_s``) of non-finite floats in ``doc``, and of
    checks that pass with a missing value against a limit; at most ``limit`` of them."""
    found: list[str] = []
    stack: list[tuple[Any, str]] = [(doc, "")]
    while stack and len(found) < limit:
        value, where = stack.pop()
        if isinstance(value, float):
            if not math.isfinite(value):
                found.append(where or "(the document)")
        elif isinstance(value, Mapping):
            if (
                value.get("ok") is True
                and "id" in value
                and value.get("value") is None
                and value.get("limit") is not None
            ):
                found.append(f"{where or 'check'} ({value['id']}: passes without a value)")
            for k, v in reversed(list(value.items())):
                stack.append((v, f"{where}.{k}" if where else str(k)))
        elif isinstance(value, list | tuple):
            for i in range(len(value) - 1, -1, -1):
                stack.append((value[i], f"{where}[{i}]"))
    return found


def guard_finite(doc: Any, what: str = "the result") -> Any:
    """``doc`` (made JSON-ready) if every float in it is finite; else :class:`NonFiniteResult`
    naming the first keys that are not."""
    ready = jsonable(doc)
    bad = non_finite_paths(ready)
    if bad:
        raise NonFiniteResult(
            f"{what} is not a number at {', '.join(bad)}: the simulation left the range its "
            "model holds (a value too small or too large for the physics); nothing was written"
        )
    return ready


def to_json_text(doc: Mapping[str, Any], what: str = "the result") -> str:
    """The JSON text of ``doc``; NaN or infinity anywhere is a :class:`NonFiniteResult`."""
    return json.dumps(guard_finite(doc, what), indent=2, ensure_ascii=False, allow_nan=False)


# Largest magnitudes a trajectory column may reach, by the unit its name ends with (SI; the
# same physical ranges as the scenario's quantities, stuntsim.units.RANGES): beyond them the
# integration has left the model (a 150 g jumper "landing" at 4.6e18 m/s).
PHYSICAL_BOUNDS = {"_m_s": 2.0e3, "_m": 2.0e7, "_s": 1.0e7, "_m_s2": 1.0e4, "_k": 1.0e4}


def guard_physical(
    columns: Mapping[str, Any], what: str = "the trajectory", series: bool = True
) -> None:
    """Raise :class:`NonFiniteResult` when a column whose name ends in a unit of
    :data:`PHYSICAL_BOUNDS` (speed, length, time) holds infinity, a value beyond its bound, or
    goes from finite to NaN for the rest of the run, naming the column, the value and the row.
    NaN elsewhere means "not applicable" (the CSV writes an empty cell). ``series=False`` for
    per-sample columns (a Monte Carlo's), which are not a time series: bounds only."""
    import numpy as np

    t = columns.get("t_s")
    for name, col in columns.items():
        a = np.asarray(col)
        if a.dtype.kind not in "fiu" or a.size == 0:
            continue
        a = a.astype(float, copy=False).ravel()
        bound = next(
            (
                b
                for suf, b in sorted(PHYSICAL_BOUNDS.items(), key=lambda kv: -len(kv[0]))
                if name.lower().endswith(suf)
            ),
            None,
        )
        if bound is None:
            continue  # a ratio or a code: NaN may mean "not applicable" (an empty CSV cell)
        fin = np.isfinite(a)
        bad = np.isinf(a) | (np.abs(np.where(fin, a, 0.0)) > bound)
        if series and fin[0] and not fin[-1]:
            # finite at the start, NaN from some row to the end: the state went non-finite
            # (a column NaN from the start, or now and then, means "not applicable")
            last = int(np.flatnonzero(fin)[-1])
            bad[last + 1] = True
        if bad.any():
            i = int(np.argmax(bad))
            when = ""
            if t is not None and np.asarray(t).size > i and name != "t_s":
                when = f" at t = {float(np.asarray(t).ravel()[i]):.3g} s"
            value = "not a number" if not np.isfinite(a[i]) else f"{a[i]:.3g}"
            raise NonFiniteResult(
                f"{what}: {name} is {value}{when} (row {i}), beyond what the model holds: "
                "the simulation left its range (check masses, areas and step sizes); "
                "nothing was written"
            )


# --- CSV -------------------------------------------------------------------------------------


def _cell(v: Any) -> Any:
    if isinstance(v, float):
        if math.isnan(v):
            return ""  # not applicable: an empty cell, never "nan"
        if math.isinf(v):
            raise NonFiniteResult("a trajectory value is infinite; nothing was written")
        return f"{v:.6g}"
    return v


def csv_text(columns: Mapping[str, Any]) -> str:
    """Columns of equal length -> CSV text with a header row; floats to 6 significant digits,
    NaN (not applicable) as an empty cell; infinity is refused."""
    import numpy as np

    names = list(columns)
    arrays = [np.asarray(columns[n]).ravel() for n in names]
    n = len(arrays[0]) if arrays else 0
    if any(len(a) != n for a in arrays):
        raise ValueError("trajectory columns differ in length")
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(names)
    for row in zip(*(a.tolist() for a in arrays), strict=True):
        w.writerow([_cell(v) for v in row])
    return buf.getvalue()


# --- all-or-nothing writes -------------------------------------------------------------------


@dataclass(frozen=True)
class Prepared:
    """An output already written to a temporary file beside its target (a streamed Parquet
    file): :func:`write_all` renames it with the others, or removes it."""

    tmp: Path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _reason(exc: OSError) -> str:
    return (exc.strerror or type(exc).__name__).lower()


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.realpath(a) == os.path.realpath(b)


def target_of(path: str | Path, inputs: Iterable[str | Path] = ()) -> Path:
    """The file an output ``path`` will replace (a symlink resolved to its target), after
    checking it may be written: not an input of the run, not a folder, a device, a pipe or a
    file with other hard links, in a folder that exists or can be made. Raises
    :class:`OutputError` in one line naming the path."""
    p = Path(path)
    shown = shown_path(p)
    real = Path(os.path.realpath(p))
    for inp in inputs:
        if _same_file(p, Path(inp)):
            raise OutputError(
                f"{shown}: is an input of this run ({shown_path(inp)}); refusing to overwrite "
                "it, choose another output name"
            )
    try:
        st = os.stat(real)
    except FileNotFoundError:
        st = None
    except OSError as exc:
        raise OutputError(f"{shown}: cannot write: {_reason(exc)}") from None
    if st is not None:
        if stat.S_ISDIR(st.st_mode):
            raise OutputError(f"{shown}: is a folder; give a file name")
        if not stat.S_ISREG(st.st_mode):
            what = {
                stat.S_IFCHR: "a character device",
                stat.S_IFBLK: "a block device",
                stat.S_IFIFO: "a named pipe",
                stat.S_IFSOCK: "a socket",
            }.get(stat.S_IFMT(st.st_mode), "not a regular file")
            raise OutputError(f"{shown}: is {what}; outputs are written to regular files")
        if st.st_nlink > 1:
            raise OutputError(
                f"{shown}: has {st.st_nlink} hard links; replacing it would break them "
                "(remove it or write elsewhere)"
            )
    parent = real.parent
    probe = parent
    while not probe.exists():
        if probe.parent == probe:
            break
        probe = probe.parent
    if not probe.is_dir():
        raise OutputError(f"{shown}: cannot write: {shown_path(probe)} is not a folder")
    if not os.access(probe, os.W_OK | os.X_OK):
        raise OutputError(f"{shown}: cannot write: the folder {shown_path(probe)} is read-only")
    return real


def check_outputs(
    paths: Iterable[str | Path | None], inputs: Iterable[str | Path] = ()
) -> list[Path]:
    """Check every requested output before any work is done (:func:`target_of` for each; two
    outputs naming the same file are refused)."""
    ins = list(inputs)
    seen: dict[str, Path] = {}
    out = []
    for p in paths:
        if p is None:
            continue
        real = target_of(p, ins)
        if str(real) in seen:
            raise OutputError(
                f"{shown_path(p)}: the same file as {shown_path(seen[str(real)])}; "
                "give each output its own name"
            )
        seen[str(real)] = Path(p)
        out.append(real)
    return out


def new_temp(target: str | Path) -> Path:
    """An empty temporary file beside ``target`` (registered in :data:`LIVE_TEMPS`)."""
    t = Path(target)
    fd, tmp = tempfile.mkstemp(prefix=f".{t.name[:100]}.", suffix=".tmp", dir=t.parent)
    os.close(fd)
    LIVE_TEMPS.add(tmp)
    return Path(tmp)


def discard_temp(tmp: str | Path) -> None:
    """Remove a temporary file (and forget it)."""
    try:
        os.unlink(tmp)
    except OSError:
        pass
    LIVE_TEMPS.discard(str(tmp))


def remove_live_temps() -> None:
    """Remove every temporary output file not yet renamed into place (on a signal)."""
    for tmp in list(LIVE_TEMPS):
        discard_temp(tmp)


def _make_parents(parent: Path, made: list[Path]) -> None:
    missing = []
    p = parent
    while not p.exists():
        missing.append(p)
        p = p.parent
    for d in reversed(missing):
        os.mkdir(d)
        made.append(d)


def _keep_mode(tmp: Path, target: Path) -> None:
    """Give ``tmp`` the mode (and, if allowed, the owner) of the file it replaces; a new file
    gets the usual mode 0666 & ~umask (mkstemp makes 0600)."""
    try:
        st = os.stat(target)
    except FileNotFoundError:
        os.chmod(tmp, 0o666 & ~_umask())
        return
    os.chmod(tmp, stat.S_IMODE(st.st_mode))
    if hasattr(os, "chown"):
        try:
            os.chown(tmp, st.st_uid, st.st_gid)
        except OSError:
            pass  # only root may give a file away; the mode is kept regardless


def write_all(
    outputs: Sequence[tuple[str | Path, str | bytes | Prepared]],
    inputs: Iterable[str | Path] = (),
) -> list[Path]:
    """Write every output or none (see the module docstring); returns the files written.

    ``outputs`` pairs a path with its text, bytes, or a :class:`Prepared` temporary file.
    Raises :class:`OutputError` (one line) when any of them cannot be written; then nothing is
    left: no output, no temporary file, no folder made for it.
    """
    if not outputs:
        return []
    targets = check_outputs([p for p, _ in outputs], inputs)
    made: list[Path] = []
    temps: list[Path] = []
    done = False
    try:
        for (path, data), target in zip(outputs, targets, strict=True):
            try:
                if isinstance(data, Prepared):
                    tmp = data.tmp
                    LIVE_TEMPS.add(str(tmp))
                else:
                    _make_parents(target.parent, made)
                    tmp = new_temp(target)
                temps.append(tmp)
                if not isinstance(data, Prepared):
                    with open(tmp, "wb") as fh:
                        fh.write(data.encode("utf-8") if isinstance(data, str) else data)
                        fh.flush()
                        os.fsync(fh.fileno())
                _keep_mode(tmp, target)
            except OSError as exc:
                raise OutputError(
                    f"{shown_path(path)}: cannot write: {_reason(exc)}; no output of this run "
                    "was written"
                ) from None
        for tmp, target, (path, _) in zip(temps, targets, outputs, strict=True):
            try:
                os.replace(tmp, target)
            except OSError as exc:
                raise OutputError(f"{shown_path(path)}: cannot write: {_reason(exc)}") from None
            LIVE_TEMPS.discard(str(tmp))
        done = True
    finally:
        if not done:
            for tmp in temps:
                discard_temp(tmp)
            for d in reversed(made):
                try:
                    os.rmdir(d)
                except OSError:
                    pass
    return targets


def atomic_write(path: str | Path, data: str | bytes) -> None:
    """Write one file all-or-nothing (:func:`write_all` of one output)."""
    write_all([(path, data)])
