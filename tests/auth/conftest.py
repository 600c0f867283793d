"""Each sign-in test starts with no failed attempts counted (the throttle is process-wide)."""

from __future__ import annotations

import pytest

from explorer.auth.throttle import SIGN_IN_THROTTLE


@pytest.fixture(autouse=True)
def fresh_sign_in_throttle():
    SIGN_IN_THROTTLE.reset()
    yield
    SIGN_IN_THROTTLE.reset()
