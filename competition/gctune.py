"""Garbage-collector settings for a long-running server process.

Measured (bench/README.md, Live): with the default thresholds, a full collection now and
then stalls one broadcast to all screens by 100-150 ms and sets the p99. Freezing the
objects that exist after start-up (the app, the parsed rules) keeps them out of every
later collection, and higher thresholds make collections rarer.
"""
import gc

THRESHOLDS = (20000, 20, 50)


def tune_gc() -> None:
    """Call once, after the application is created, before serving."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*THRESHOLDS)
