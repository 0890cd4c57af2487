"""Example budgets for the property-based tests: small by default, large with `--long`
(tests/conftest.py defines the flag; tests/hardening/conftest.py exports it)."""
import os

from hypothesis import HealthCheck, settings

LONG = os.environ.get("TAPEGRAPH_LONG_TESTS") == "1"
LONG_FACTOR = 25


def budget(examples: int, **kwargs) -> settings:
    """Hypothesis settings running `examples` examples (x25 with --long), no deadline
    (the machine is shared and noisy), derandomized by default so CI is reproducible."""
    return settings(max_examples=examples * (LONG_FACTOR if LONG else 1), deadline=None,
                    derandomize=not LONG, database=None,
                    suppress_health_check=list(HealthCheck), **kwargs)
