"""stuntsim: plan film stunts and high-altitude parachute jumps with real physics.

The top-level import stays light (no numpy, scipy, pint or matplotlib): heavy modules are
imported where they are used. Public entry points:

- ``stuntsim.scenario.load(path)`` reads and validates a scenario file;
- ``stuntsim.kinds.get_kind(name)`` gives the simulator and presenters of one stunt kind;
- ``stuntsim.cli`` is the command-line tool.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
