"""Errors raised at the edge (scenario files, data files), never deep inside a kernel.

Every error a user can cause carries the file and the field (or line) it came from, so the CLI
can print one line and exit with status 2. The line is always short and printable: paths and
messages are cut to a bounded length and control characters are replaced, so a hostile file
name or value cannot break the one-line contract or flood a CI log.

:func:`read_input_bytes` is the one way user input files are read. It refuses what is not a
regular file or a pipe (folders, devices, sockets, each named as such), caps the size (64 MiB by
default, ``STUNTSIM_MAX_INPUT_MB`` raises it) and the time (30 s by default,
``STUNTSIM_READ_TIMEOUT_S``), and never blocks on a named pipe that has no writer. See
docs/errors.md for the caps.
"""

from __future__ import annotations

import os
import stat
import time
from pathlib import Path

DEFAULT_MAX_INPUT_MB = 64.0  # the largest shipped input, an SRTM 1" tile, is 25.9 MB
DEFAULT_READ_TIMEOUT_S = 30.0
MAX_PATH_SHOWN = 160  # characters of a path shown in an error line
MAX_MESSAGE_SHOWN = 400  # characters of a message shown in an error line
_CHUNK = 1 << 20
INPUTS: list[Path] = []  # every input file read in this process (outputs may not replace them)


def inputs_read() -> list[Path]:
    """The input files read so far (scenario, winds, DEM), for the output writer's check that
    no output replaces an input of the run."""
    return list(INPUTS)


def forget_inputs() -> None:
    """Start a new run's list of inputs (the command line does it for each invocation)."""
    INPUTS.clear()


def _clip(text: str, limit: int) -> str:
    """``text`` with control characters made visible, cut in the middle to ``limit``."""
    text = "".join(ch if ch.isprintable() else "?" for ch in text)
    if len(text) <= limit:
        return text
    keep = (limit - 1) // 2
    return f"{text[:keep]}…{text[-keep:]}"


def shown_path(path: str | Path) -> str:
    """A path as printed in an error line: printable, at most :data:`MAX_PATH_SHOWN` long."""
    return _clip(str(path), MAX_PATH_SHOWN)


def excerpt(token: object, limit: int = 24) -> str:
    """A short, quoted, sanitised excerpt of an offending token for an error message.

    Only printable ASCII survives (anything else becomes ``?``); longer tokens are cut with
    ``…``. Use it for a token of a file already recognised as its declared format, never for
    a line of a file that is not.
    """
    text = "".join(ch if " " <= ch <= "~" else "?" for ch in str(token))
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return repr(text)


class StuntsimError(Exception):
    """Base class of the errors stuntsim reports to the user without a traceback."""

    def __str__(self) -> str:
        return _clip(" ".join(super().__str__().split()), MAX_MESSAGE_SHOWN + MAX_PATH_SHOWN)


class ScenarioError(StuntsimError):
    """A scenario (or data file) that cannot be used, with where the problem is.

    ``field`` is a dotted path into the scenario (``jumper.mass``, ``winds[2].speed``) or, for a
    data file, ``line 12``; ``None`` when the whole file is at fault.
    """

    def __init__(self, path: str | Path | None, field: str | None, message: str) -> None:
        self.path = str(path) if path is not None else None
        self.field = field
        self.message = " ".join(str(message).split())  # always one line
        super().__init__(self._text())

    def _text(self) -> str:
        parts = [shown_path(self.path) if self.path else None, self.field and _clip(self.field, 80)]
        return ": ".join([*(p for p in parts if p), _clip(self.message, MAX_MESSAGE_SHOWN)])

    def __str__(self) -> str:
        return self._text()


class DataFileError(ScenarioError):
    """A data file (winds bulletin, sounding, DEM) that cannot be decoded."""


def _env_float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = float(raw)
    except ValueError:
        raise StuntsimError(f"{name}={excerpt(raw)}: expected a positive number") from None
    if not (value > 0.0 and value < 1e9):
        raise StuntsimError(f"{name}={excerpt(raw)}: expected a positive number")
    return value


def max_input_bytes() -> int:
    """The size cap on one input file: ``STUNTSIM_MAX_INPUT_MB`` (MiB), 64 by default."""
    return int(_env_float("STUNTSIM_MAX_INPUT_MB", DEFAULT_MAX_INPUT_MB) * (1 << 20))


def read_timeout_s() -> float:
    """The time allowed to read one input file: ``STUNTSIM_READ_TIMEOUT_S``, 30 by default."""
    return _env_float("STUNTSIM_READ_TIMEOUT_S", DEFAULT_READ_TIMEOUT_S)


def _kind_of(mode: int) -> str | None:
    """What a non-file is called in an error line; None for a regular file or a pipe."""
    if stat.S_ISDIR(mode):
        return "is a folder, not a file"
    if stat.S_ISCHR(mode):
        return "is a character device, not a file"
    if stat.S_ISBLK(mode):
        return "is a block device, not a file"
    if stat.S_ISSOCK(mode):
        return "is a socket, not a file"
    if stat.S_ISREG(mode) or stat.S_ISFIFO(mode):
        return None
    return "is not a regular file"


def _mb(n: float) -> str:
    if n >= 1 << 30:
        return f"{n / (1 << 30):,.1f} GiB"
    return f"{n / (1 << 20):.3g} MiB"


def check_input_path(path: str | Path, error: type[ScenarioError] = ScenarioError) -> Path:
    """``path`` if it names something :func:`read_input_bytes` can read, else ``error``.

    Used where a reader opens the file itself (rasterio): folders, devices and sockets are
    named as such, a missing file as "file not found".
    """
    p = Path(path)
    try:
        st = os.stat(p)
    except FileNotFoundError:
        raise error(p, None, "file not found") from None
    except NotADirectoryError:
        raise error(p, None, "file not found (a folder in the path is a file)") from None
    except PermissionError:
        raise error(p, None, "cannot read file: permission denied") from None
    except (OSError, ValueError) as exc:
        raise error(p, None, f"cannot read file: {_reason(exc)}") from None
    what = _kind_of(st.st_mode)
    if what is not None:
        raise error(p, None, what)
    if p not in INPUTS:
        INPUTS.append(p)
    return p


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror.lower()
    if isinstance(exc, ValueError):
        return "the path contains a NUL byte"
    return type(exc).__name__


def read_input_bytes(
    path: str | Path,
    error: type[ScenarioError] = ScenarioError,
    *,
    max_bytes: int | None = None,
    timeout_s: float | None = None,
) -> bytes:
    """The bytes of a user's input file, read with a size cap and a time limit.

    A missing or unreadable file, a folder, a device or a socket raises ``error`` naming the
    file in one line; so does a file over ``max_bytes`` (default :func:`max_input_bytes`) or
    one that takes longer than ``timeout_s`` (default :func:`read_timeout_s`). A named pipe
    (FIFO) is opened without blocking and read as far as its writer supplies data within the
    time limit; a pipe with no writer ends with an error after the limit, never a hang. The
    error never contains the file's contents.
    """
    p = check_input_path(path, error)
    limit = max_input_bytes() if max_bytes is None else int(max_bytes)
    timeout = read_timeout_s() if timeout_s is None else float(timeout_s)
    hint = "set STUNTSIM_MAX_INPUT_MB to raise the cap"
    try:
        fd = os.open(p, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    except PermissionError:
        raise error(p, None, "cannot read file: permission denied") from None
    except IsADirectoryError:
        raise error(p, None, "is a folder, not a file") from None
    except OSError as exc:
        raise error(p, None, f"cannot read file: {_reason(exc)}") from None
    try:
        st = os.fstat(fd)  # what was opened, which may differ from what was checked
        what = _kind_of(st.st_mode)
        if what is not None:
            raise error(p, None, what)
        if stat.S_ISREG(st.st_mode) and st.st_size > limit:
            raise error(
                p, None, f"is {_mb(st.st_size)}; input files are capped at {_mb(limit)} ({hint})"
            )
        if stat.S_ISFIFO(st.st_mode):
            data = _read_pipe(fd, p, limit, timeout, error)
        else:
            os.set_blocking(fd, True)
            data = _read_file(fd, p, limit, timeout, error)
    except OSError as exc:
        raise error(p, None, f"cannot read file: {_reason(exc)}") from None
    finally:
        os.close(fd)
    if len(data) > limit:
        raise error(p, None, f"is over the input cap of {_mb(limit)} ({hint})")
    return data


def _read_file(fd: int, p: Path, limit: int, timeout: float, error: type[ScenarioError]) -> bytes:
    deadline = time.monotonic() + timeout
    parts: list[bytes] = []
    total = 0
    while total <= limit:
        chunk = os.read(fd, min(_CHUNK, limit + 1 - total))
        if not chunk:
            break
        parts.append(chunk)
        total += len(chunk)
        if time.monotonic() > deadline:
            raise error(
                p, None, f"reading took over {timeout:g} s (STUNTSIM_READ_TIMEOUT_S raises it)"
            )
    return b"".join(parts)


def _read_pipe(fd: int, p: Path, limit: int, timeout: float, error: type[ScenarioError]) -> bytes:
    """Read a pipe until its writer closes it, within ``timeout`` seconds.

    A FIFO opened for reading without blocking reports end-of-file while no writer has opened
    it; so an empty read before any data waits (by polling) until a writer comes or the time
    is up, and the pipe is "not written to" rather than an empty file.
    """
    import select

    deadline = time.monotonic() + timeout
    parts: list[bytes] = []
    total = 0
    poller = select.poll()
    poller.register(fd, select.POLLIN | select.POLLHUP)
    while total <= limit:
        left = deadline - time.monotonic()
        if left <= 0:
            what = "nothing was written to the named pipe" if not total else "the pipe stayed open"
            raise error(
                p,
                None,
                f"{what} within {timeout:g} s (STUNTSIM_READ_TIMEOUT_S raises the limit)",
            )
        events = poller.poll(min(left, 0.05 if not total else left) * 1000.0)
        if not events:
            continue
        try:
            chunk = os.read(fd, min(_CHUNK, limit + 1 - total))
        except BlockingIOError:
            continue
        if not chunk:
            if total:
                break  # the writer closed the pipe: end of the data
            time.sleep(0.02)  # no writer yet (or an empty write): wait for one
            continue
        parts.append(chunk)
        total += len(chunk)
    return b"".join(parts)


# --- caps --------------------------------------------------------------------------------------

CAPS: dict[str, tuple[str, float, str]] = {
    # name: (environment variable, default, what it bounds) -- listed in docs/errors.md
    "samples": ("STUNTSIM_MAX_SAMPLES", 1e8, "Monte Carlo samples per run"),
    "memory_mb": ("STUNTSIM_MAX_MEMORY_MB", 0.0, "memory a run may plan to hold (0: half the RAM)"),
    "workers": ("STUNTSIM_MAX_WORKERS", 0.0, "worker processes (0: twice the CPU cores)"),
    "simulations": ("STUNTSIM_MAX_SIMULATIONS", 5e5, "simulations one search may run"),
}


def cap_value(name: str) -> float:
    """The cap ``name`` of :data:`CAPS`, from its environment variable or the default."""
    env, default, _ = CAPS[name]
    raw = os.environ.get(env)
    if raw is None or not raw.strip():
        return default
    try:
        value = float(raw)
    except ValueError:
        raise StuntsimError(f"{env}={excerpt(raw)}: expected a number") from None
    if not (value >= 0.0 and value < 1e18):
        raise StuntsimError(f"{env}={excerpt(raw)}: expected a number from 0 to 1e18")
    return value


def check_cap(name: str, value: float, what: str, limit: float | None = None) -> None:
    """Raise a one-line :class:`StuntsimError` when ``value`` is over cap ``name`` (or over
    ``limit`` when given: a cap computed for this machine), saying how to raise it."""
    env = CAPS[name][0]
    top = cap_value(name) if limit is None else limit
    if value > top:
        raise StuntsimError(f"{what} is over the cap of {top:,.0f} (set {env} to raise it)")


def available_memory_bytes() -> int | None:
    """Memory available to a new allocation (MemAvailable of /proc/meminfo, else the physical
    memory); None where neither is known."""
    try:
        with open("/proc/meminfo", "rb") as fh:
            for line in fh.read(1 << 16).decode("ascii", "replace").splitlines():
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return int(os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))
    except (ValueError, OSError, AttributeError):
        return None


def check_memory(estimate_bytes: float, what: str) -> None:
    """Refuse a run whose planned memory exceeds ``STUNTSIM_MAX_MEMORY_MB`` (default: half of
    the memory available now), before anything is allocated."""
    limit_mb = cap_value("memory_mb")
    if limit_mb > 0:
        limit = limit_mb * (1 << 20)
    else:
        avail = available_memory_bytes()
        if avail is None:
            return
        limit = avail / 2
    if estimate_bytes > limit:
        raise StuntsimError(
            f"{what} would need about {_mb(estimate_bytes)} of memory, over the "
            f"{_mb(limit)} allowed (set STUNTSIM_MAX_MEMORY_MB to raise it, or use fewer samples)"
        )


def max_workers() -> int:
    """The cap on worker processes: ``STUNTSIM_MAX_WORKERS``, default twice the CPU cores."""
    value = cap_value("workers")
    return int(value) if value >= 1 else 2 * (os.cpu_count() or 1)
