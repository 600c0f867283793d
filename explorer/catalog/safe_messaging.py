"""Safe messaging for suicide-related public text, after the Samaritans' *Media guidelines for
reporting suicide* (sixth edition, 2020) and their "10 top tips":

- say "died by suicide" or "took their own life", never "committed suicide" (it suggests a
  crime) nor "successful" or "failed" attempts;
- no sensational or alarming words ("epidemic", "hotspot", "soaring", "surge", ...);
- no detail of suicide methods or locations;
- suicide is complex and rarely has a single cause: present differences between groups as
  associations, never as causes;
- always signpost support (the ONS suicide bulletins carry the same Samaritans signpost).

The catalog loader checks every public view's text about suicide with :func:`wording_problems`,
and the public summary page shows :data:`SUPPORT_NOTICE` with every suicide-related view.
"""

from __future__ import annotations

import re

SUPPORT_NOTICE = (
    "If this topic affects you, or you are struggling to cope, you can contact Samaritans "
    "free, any time, day or night: call 116 123 or email jo@samaritans.org."
)
"""The support signpost shown with every suicide-related view (Samaritans helpline)."""

SUPPORT_PHONE = "116 123"
SUPPORT_EMAIL = "jo@samaritans.org"

_AVOID: tuple[tuple[str, str], ...] = (
    (r"\bcommit(s|ted|ting)?\b", 'say "died by suicide" or "took their own life", not "commit"'),
    (r"\b(successful|unsuccessful|failed|completed)\s+(suicide|attempt)", "do not call a suicide "
     "or an attempt successful, failed or completed"),
    (r"\bepidemics?\b", "no sensational words such as 'epidemic'"),
    (r"\bhot\s?spots?\b", "no sensational words such as 'hotspot'"),
    (r"\b(soar(s|ed|ing)?|surg(e|es|ed|ing)|skyrocket(s|ed|ing)?|spik(e|es|ed|ing)|"
     r"explod(e|es|ed|ing)|shock(s|ed|ing)?|alarming|crisis)\b",
     "no sensational words such as 'soaring', 'surge', 'shocking' or 'crisis'"),
    (r"\b(hang(ing|ed)?|overdos(e|es|ed|ing)|strangulation|suffocat\w*|asphyxia\w*|firearms?|"
     r"drown(ing|ed)?|jump(s|ed|ing)?|poison(ing|ed|s)?|ligature)\b",
     "no detail of suicide methods"),
    (r"\b(causes?|caused|causing|leads? to|led to|because of|due to being)\b",
     "present differences as associations, not causes"),
)


def wording_problems(text: str) -> list[str]:
    """What in ``text`` goes against the suicide reporting guidelines (empty when nothing).

    A phrase that negates a cause ("does not mean that ... causes") is allowed: the check for
    causal words applies only to sentences without "not"."""
    problems = []
    for sentence in re.split(r"(?<=[.!?;])\s+", text):
        lowered = sentence.casefold()
        negated = re.search(r"\b(not|no|never|cannot)\b", lowered) is not None
        for pattern, advice in _AVOID:
            if advice.startswith("present differences") and negated:
                continue
            match = re.search(pattern, lowered)
            if match:
                problems.append(f"{match.group(0)!r}: {advice}")
    return problems


__all__ = ["SUPPORT_EMAIL", "SUPPORT_NOTICE", "SUPPORT_PHONE", "wording_problems"]
