"""insights package."""
