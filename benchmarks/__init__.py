"""Measurement and kill scripts (run as `uv run python benchmarks/NAME.py`); tests import their shared generators as `benchmarks.NAME`."""
