"""The notification tests: the smtp fixture lives in tests/conftest.py."""
import redis  # noqa: F401  (imported before any app: pygal's import hook turns late optional imports into warnings)
import rq  # noqa: F401
