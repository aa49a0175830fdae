"""store/queries package."""
