"""Errors raised at the edge (scenario files, data files), never deep inside a kernel.

Every error a user can cause carries the file and the field (or line) it came from, so the CLI
can print one line and exit with status 2.
"""

from __future__ import annotations

from pathlib import Path


class StuntsimError(Exception):
    """Base class of the errors stuntsim reports to the user without a traceback."""


class ScenarioError(StuntsimError):
    """A scenario (or data file) that cannot be used, with where the problem is.

    ``field`` is a dotted path into the scenario (``jumper.mass``, ``winds[2].speed``) or, for a
    data file, ``line 12``; ``None`` when the whole file is at fault.
    """

    def __init__(self, path: str | Path | None, field: str | None, message: str) -> None:
        self.path = str(path) if path is not None else None
        self.field = field
        self.message = " ".join(str(message).split())  # always one line
        super().__init__(str(self))

    def __str__(self) -> str:
        parts = [p for p in (self.path, self.field) if p]
        return ": ".join([*parts, self.message])


class DataFileError(ScenarioError):
    """A data file (winds bulletin, sounding, DEM) that cannot be decoded."""


def read_input_bytes(path: str | Path, error: type[ScenarioError] = ScenarioError) -> bytes:
    """The bytes of a user's input file; a missing or unreadable file raises ``error`` naming
    the file in one line."""
    p = Path(path)
    try:
        return p.read_bytes()
    except FileNotFoundError:
        raise error(p, None, "file not found") from None
    except IsADirectoryError:
        raise error(p, None, "is a folder, not a file") from None
    except OSError as exc:
        raise error(p, None, f"cannot read file: {exc.strerror or exc}") from None
