"""Scenario files: TOML with unit strings -> validated pydantic models -> kind-specific plans."""

from stuntsim.scenario.load import LoadedScenario, load, read_toml

__all__ = ["LoadedScenario", "load", "read_toml"]
