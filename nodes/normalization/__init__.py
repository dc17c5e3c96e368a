"""Normalisation layers: layer norm and batch norm."""

from .batch_norm import BatchNorm, BatchNormalization, batch_norm
from .layer_norm import LayerNorm, LayerNormalization, layer_norm

__all__ = ["BatchNorm", "BatchNormalization", "batch_norm", "LayerNorm", "LayerNormalization", "layer_norm"]
