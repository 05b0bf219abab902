"""Benchmark scripts (run each as `python bench/NAME.py`); tests import the evaluation helpers as `bench.NAME`."""
