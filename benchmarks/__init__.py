"""Benchmarks for zoom_async: ``make bench`` runs ``python -m benchmarks.run``."""
