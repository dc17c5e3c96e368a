"""Layers with parameters (composites of primitive nodes)."""

from .linear import Linear, init_weight
