"""The benchmark runner (run.py); imported by its tests."""
