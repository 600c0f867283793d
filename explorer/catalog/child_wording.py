"""Wording about children in contact with the justice system, for public text.

A catalog marks an outcome ``about_children: true`` (pupils cautioned or sentenced); the loader
then checks every public view of that outcome with :func:`child_wording_problems`, as it checks
suicide views against the Samaritans' guidelines (explorer.catalog.safe_messaging). The rules
follow the person-first language that the Youth Justice Board's "child first" principle asks for
("children", not "young offenders") and the Office for Statistics Regulation's guidance that
statistics should not imply more than they show:

- no labels for children: "offender(s)" (also "young offenders", "reoffenders"),
  "criminal(s)" as a noun or adjective for a person ("criminal damage" and "criminal justice",
  which name an offence and a system, are allowed), "delinquent(s)", "delinquency";
- differences between groups are associations, not causes: no "causes", "leads to" (or
  "leads ... into"), "results in", "because of", "due to", "makes ... more likely" (or less),
  "makes ... offend", unless the sentence negates the cause before it ("does not show that ...
  leads to", "special educational needs do not make children offend"); "due to chance" (the
  headlines' words for overlapping intervals) is not a cause.
"""

from __future__ import annotations

import re

_LABELS: tuple[tuple[str, str], ...] = (
    (r"\b(young\s+|re-?|juvenile\s+)?offenders?\b",
     "do not label children as offenders: say 'children (or pupils) cautioned or sentenced'"),
    (r"\bcriminals?\b(?!\s+(damage|justice))",
     "do not call children criminals: describe what was recorded (a caution or sentence)"),
    (r"\bdelinquen(t|ts|cy)\b",
     "do not label children as delinquent: describe what was recorded"),
)
_CAUSES: tuple[str, ...] = (
    r"\b(causes?|caused|causing)\b",
    r"\b(leads?|led|leading)\s+(\w+\s+){0,3}?(to|into)\b",
    r"\b(results?|resulted|resulting)\s+in\b",
    r"\bbecause\s+of\b",
    r"\bdue\s+to\b(?!\s+chance)",
    r"\bmak(e|es|ing)\s+(\w+\s+){0,4}?(more|less)\s+likely\b",
    r"\bmak(e|es|ing)\s+(\w+\s+){0,2}?(offend|commit)\w*\b",
)
_CAUSE_ADVICE = "present differences between groups as associations, not causes"
_NEGATION = re.compile(r"\b(not|no|never|cannot)\b|n't\b")


def child_wording_problems(text: str) -> list[str]:
    """What in ``text`` stigmatises children or states a cause (empty when nothing).

    A causal phrase is allowed when a negation comes before it in the same sentence ("does not
    show that low income leads children into trouble")."""
    problems = []
    for sentence in re.split(r"(?<=[.!?;])\s+", text):
        lowered = sentence.casefold()
        for pattern, advice in _LABELS:
            match = re.search(pattern, lowered)
            if match:
                problems.append(f"{match.group(0)!r}: {advice}")
        for pattern in _CAUSES:
            for match in re.finditer(pattern, lowered):
                if not _NEGATION.search(lowered[:match.start()]):
                    problems.append(f"{match.group(0)!r}: {_CAUSE_ADVICE}")
                    break
    return problems


__all__ = ["child_wording_problems"]
