"""zoom_async."""
