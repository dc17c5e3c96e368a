"""Sequences and attention: fused and wired attention, multi-head blocks, a small ViT."""

from .attention import Attention, causal_mask, fused_attention
from .multi_head import MultiHeadSelfAttention
from .patches import PatchEmbedding, patches
from .scaled_dot_product import scaled_dot_product_attention
from .transformer import TransformerBlock
from .vision_transformer import VisionTransformer

__all__ = [
    "Attention", "MultiHeadSelfAttention", "PatchEmbedding", "TransformerBlock", "VisionTransformer",
    "causal_mask", "fused_attention", "patches", "scaled_dot_product_attention",
]
