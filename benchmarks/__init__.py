"""Benchmarks of the help site: beside the product, not in it (``python -m benchmarks --help``)."""
