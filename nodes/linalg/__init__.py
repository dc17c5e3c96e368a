"""Linear algebra."""

from .matmul import MatMul, matmul
