"""HALO/HAHO and sport jumps: jumper, drogue and canopy models, the batched kernel, checks."""
