"""Reliability proofs: task workers, a killed worker, a restarted database, a streaming replica.

The quick versions run with the test suite; bench/reliability.py runs them at full size.
"""
