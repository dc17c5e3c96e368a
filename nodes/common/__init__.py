"""Helpers shared by the node library, one small module per job.

`elementwise` (the base of elementwise nodes), `shapes` (broadcasting of
static shapes), `axes` (axis normalisation), `reductions` (a loss's
reduction mode), `init` (weight initialisation) and `masks` (boolean masks
fixed at wiring or fed at every pass). Import each helper from its module;
none is part of the top-level `nodes` namespace.
"""

__all__ = []
