"""Measurement and kill scripts (run from the repository root as `uv run python -m benchmarks.NAME`); tests import their shared generators as `benchmarks.NAME`."""
