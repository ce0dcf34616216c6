"""Benchmarks: each prints its figures and the ratio it is judged by (docs/performance.md)."""
