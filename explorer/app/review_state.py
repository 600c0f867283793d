"""The review page's policy choice <-> URL query parameters (``?policy=custom&threshold=7``),
beside the view's own parameters (explorer.app.view_state). Without a policy in the URL the
choice is the audience the view is made for: ``DEFAULT_POLICY`` (official: Explore's views are
for officials); a link to review a published public view says ``policy=public``."""

from __future__ import annotations

from collections.abc import Mapping

from explorer.app.view_state import single_value
from explorer.release.review import CUSTOM, DEFAULT_POLICY, MAX_CUSTOM_THRESHOLD, POLICY_CHOICES


def policy_from_query_params(params: Mapping[str, str | list[str]],
                             default_threshold: int) -> tuple[str, int, list[str]]:
    """(choice, threshold, notices) from ``?policy=custom&threshold=7``; a missing policy is
    ``DEFAULT_POLICY``; anything invalid is replaced by the default (``DEFAULT_POLICY``; the
    official threshold) with a notice."""
    notices = []

    def single(name: str) -> str | None:
        return None if name not in params else single_value(params[name])

    choice = single("policy") or DEFAULT_POLICY
    if choice not in POLICY_CHOICES:
        notices.append(f"Ignored policy={choice[:40]!r}: choose from {', '.join(POLICY_CHOICES)}")
        choice = DEFAULT_POLICY
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
