"""Solvers: batched fixed-step integration with event location, Monte Carlo, backends."""
