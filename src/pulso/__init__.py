"""Pulso: market and customer intelligence for Peru's food business."""

__version__ = "0.1.0"
__all__ = ["__version__"]
