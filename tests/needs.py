"""One rule for tests that need an optional system program (Tesseract, Chromium, antiword…).

On a developer's machine without the program the test is skipped with the reason; under
``CI=1`` (``.ci/run`` installs every such program) a missing program fails the run loudly, so a
broken CI install can never pass as a row of skips.
"""

from __future__ import annotations

import os

import pytest


def need(available: bool, what: str, *, module: bool = False) -> None:
    """Skip (or, under CI, fail) the calling test or module when ``what`` is not installed."""
    if available:
        return
    if os.environ.get("CI"):
        pytest.fail(f"{what} is not installed, and CI must have it", pytrace=False)
    pytest.skip(f"{what} is not installed (CI installs it)", allow_module_level=module)
