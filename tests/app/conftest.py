"""Fixtures shared by the page tests."""

from __future__ import annotations

import pytest
from streamlit.delta_generator import DeltaGenerator


@pytest.fixture
def downloads(monkeypatch) -> list[dict]:
    """Every download button the page draws, with the data it would send."""
    captured = []
    original = DeltaGenerator.download_button

    def recording(self, label, data, *args, **kwargs):
        captured.append({"label": label, "data": data, **kwargs})
        return original(self, label, data, *args, **kwargs)

    monkeypatch.setattr(DeltaGenerator, "download_button", recording)
    return captured
