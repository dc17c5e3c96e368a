"""Layers with parameters (composites of primitive nodes)."""

from nodes.common.init import init_weight  # public here since before nodes.common existed

from .embedding import Embedding, EmbeddingLookup, PositionalEmbedding, embedding
from .linear import Linear

__all__ = ["Embedding", "EmbeddingLookup", "Linear", "PositionalEmbedding", "embedding", "init_weight"]
