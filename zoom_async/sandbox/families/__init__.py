"""Bespoke handlers by resource family, each module exporting ``BESPOKE`` (route -> handler)."""
