"""Layers with parameters (composites of primitive nodes)."""

from .embedding import Embedding, EmbeddingLookup, PositionalEmbedding, embedding
from .linear import Linear, init_weight

__all__ = ["Embedding", "EmbeddingLookup", "Linear", "PositionalEmbedding", "embedding", "init_weight"]
