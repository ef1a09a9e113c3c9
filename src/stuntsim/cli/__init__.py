"""The ``stuntsim`` command line: one module per command group, each kind adds its own.

- :mod:`stuntsim.cli.app`: the typer application, the shared options, console and output
  helpers, and :func:`main` (the console entry point);
- :mod:`stuntsim.cli.run`, :mod:`stuntsim.cli.mc`: ``run`` and ``mc``, for every kind;
- :mod:`stuntsim.cli.winds`: ``winds`` (decode a winds file);
- each kind's ``commands_module`` in :data:`stuntsim.kinds.REGISTRY` (``stuntsim.cli.jump``:
  ``spot``; ``stuntsim.cli.car``: ``car-plan``).

Every command module has ``register(app)``, called here in the order ``--help`` lists them.
Command modules import from :mod:`stuntsim.cli.app` only (never from this package), so there is
no import circle; they import typer and the standard library at module level and everything
heavy inside their command bodies, so ``stuntsim --help`` imports no numpy and no physics.
"""

from __future__ import annotations

import importlib

from stuntsim.cli.app import app, main
from stuntsim.kinds import REGISTRY

COMMAND_MODULES = ("stuntsim.cli.run", "stuntsim.cli.mc", "stuntsim.cli.winds")


def _register_commands() -> None:
    kind_modules = [e.commands_module for e in REGISTRY.values() if e.commands_module]
    for name in (*COMMAND_MODULES, *kind_modules):
        importlib.import_module(name).register(app)


_register_commands()

__all__ = ["app", "main"]
