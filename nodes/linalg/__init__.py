"""Linear algebra."""

from .matmul import MatMul, matmul

__all__ = [
    "MatMul", "matmul",
]
