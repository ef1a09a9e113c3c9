"""Helicopter chase planner: performance, envelope, VRS, terrain clearance and camera-rig loads."""
