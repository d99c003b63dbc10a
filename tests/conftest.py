"""Shared test set-up: the Hypothesis profile (fixed seed unless HYPOTHESIS_PROFILE=wide)."""

from tests import hypothesis_profiles  # noqa: F401  (registers and loads the profile)
