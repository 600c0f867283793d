"""The review page's policy choice <-> URL query parameters (``?policy=custom&threshold=7``),
beside the view's own parameters (explorer.app.view_state)."""

from __future__ import annotations

from collections.abc import Mapping

from explorer.app.view_state import single_value
from explorer.release.review import CUSTOM, MAX_CUSTOM_THRESHOLD, POLICY_CHOICES


def policy_from_query_params(params: Mapping[str, str | list[str]],
                             default_threshold: int) -> tuple[str, int, list[str]]:
    """(choice, threshold, notices) from ``?policy=custom&threshold=7``; anything invalid is
    replaced by the default (statistician; the official threshold) with a notice."""
    notices = []

    def single(name: str) -> str | None:
        return None if name not in params else single_value(params[name])

    choice = single("policy") or "statistician"
    if choice not in POLICY_CHOICES:
        notices.append(f"Ignored policy={choice[:40]!r}: choose from {', '.join(POLICY_CHOICES)}")
        choice = "statistician"
    threshold = default_threshold
    text = single("threshold")
    if text is not None:
        if text.isascii() and text.isdigit() and len(text) <= 4 and 1 <= int(text) <= MAX_CUSTOM_THRESHOLD:
            threshold = int(text)
        else:
            notices.append(f"Ignored threshold={text[:40]!r}: a whole number from 1 to "
                           f"{MAX_CUSTOM_THRESHOLD}")
    return choice, threshold, notices


def policy_to_query_params(choice: str, threshold: int) -> dict[str, str]:
    params = {"policy": choice}
    if choice == CUSTOM:
        params["threshold"] = str(int(threshold))
    return params
