"""Regularisation nodes: dropout."""

from .dropout import Dropout, dropout

__all__ = ["Dropout", "dropout"]
