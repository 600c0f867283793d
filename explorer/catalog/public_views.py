"""Build and check a catalog's ``public_views``: the curated views the public summary shows.

Called by ``explorer.catalog.loader`` after the JSON Schema pass, with the dimensions and
outcomes already built; a problem is reported as a :class:`CatalogProblem` at its key path,
which the loader turns into a one-line CatalogError naming the file.
"""

from __future__ import annotations

from typing import Any

from explorer.catalog.dimensions import Dimension
from explorer.catalog.model import FollowUp, Outcome, PublicView, StandardPopulation
from explorer.catalog.child_wording import child_wording_problems
from explorer.catalog.safe_messaging import wording_problems
from explorer.catalog.problems import CatalogProblem
from explorer.catalog.shapes import PERSON_LEVEL, PERSON_TIME, PUBLIC_VIEW_MEASURES, SHAPE_WORDS

_TEXTS = ("title", "headline_subject", "what_it_means", "what_it_does_not_mean")


def _check_measure(path: list[str | int], raw: dict[str, Any], shape: str) -> None:
    """A public view shows a measure its dataset's shape offers to the public: a rate for
    person_time, a proportion for person_level."""
    if raw["measure"] not in PUBLIC_VIEW_MEASURES[shape]:
        raise CatalogProblem(path + ["measure"], f"measure {raw['measure']!r} does not fit: "
                                                 f"{SHAPE_WORDS[shape]}; a public view of it "
                                                 f"shows {' or '.join(PUBLIC_VIEW_MEASURES[shape])}")


def _check_by(path: list[str | int], raw: dict[str, Any], dimensions: dict[str, Dimension],
              standard_population: StandardPopulation | None) -> None:
    for position, code in enumerate(raw["by"]):
        where = path + ["by", position]
        if code not in dimensions:
            raise CatalogProblem(where, f"dimension {code!r} is not declared "
                                        f"(dimensions: {', '.join(dimensions)})")
        if (raw["measure"] == "asmr" and standard_population is not None
                and code == standard_population.dimension):
            raise CatalogProblem(where, f"an age-standardised rate cannot be broken down by "
                                        f"{code!r}, the bands it standardises over (within "
                                        "one band it reveals the band's own rate); use "
                                        "measure crude_rate for age-specific rates")


def _period(path: list[str | int], raw: dict[str, Any], outcome: Outcome,
            follow_up: FollowUp, shape: str = PERSON_TIME) -> tuple[int, int] | None:
    if "period" not in raw:
        return None
    first, last = raw["period"]["first"], raw["period"]["last"]
    where = path + ["period"]
    if shape == PERSON_LEVEL:
        raise CatalogProblem(where, "a person_level dataset's figures cover the whole follow-up "
                                    "window: remove the period")
    if first > last:
        raise CatalogProblem(where, f"period {first} to {last} is reversed")
    if first < follow_up.first_year or last > follow_up.last_year:
        raise CatalogProblem(where, f"period {first} to {last} is outside the follow-up years "
                                    f"{follow_up.first_year} to {follow_up.last_year}")
    if first < outcome.first_year:
        raise CatalogProblem(where + ["first"], f"{outcome.label} deaths are counted from "
                                                f"{outcome.first_year}; the period cannot "
                                                f"start in {first}")
    return first, last


def _check_suicide_text(path: list[str | int], raw: dict[str, Any], outcome: Outcome) -> None:
    """A view of an outcome the catalog marks ``safe_messaging`` must be marked about_suicide,
    and then its texts follow the Samaritans' media guidelines (explorer.catalog.safe_messaging)."""
    if outcome.safe_messaging and not raw["about_suicide"]:
        raise CatalogProblem(path + ["about_suicide"], f"outcome {outcome.code!r} is about "
                                                       "suicide: set about_suicide: true (the "
                                                       "page then shows a support notice)")
    if not raw["about_suicide"]:
        return
    for key in _TEXTS:
        problems = wording_problems(raw[key])
        if problems:
            raise CatalogProblem(path + [key], "goes against the Samaritans' guidelines for "
                                               f"reporting suicide: {problems[0]}")


def _check_children_text(path: list[str | int], raw: dict[str, Any], outcome: Outcome) -> None:
    """A view of an outcome the catalog marks ``about_children`` does not stigmatise children
    and presents differences as associations (explorer.catalog.child_wording)."""
    if not outcome.about_children:
        return
    for key in _TEXTS:
        problems = child_wording_problems(raw[key])
        if problems:
            raise CatalogProblem(path + [key], f"public view {raw['code']!r} is about children "
                                               f"(outcome {outcome.code!r}): {problems[0]}")


def _build_public_view(index: int, raw: dict[str, Any], dimensions: dict[str, Dimension],
                       outcomes: dict[str, Outcome], follow_up: FollowUp,
                       standard_population: StandardPopulation | None,
                       shape: str = PERSON_TIME) -> PublicView:
    """One public view, its references checked: the outcome and dimensions exist, the measure
    fits the dataset's shape, an age-standardised rate is not broken down by the age bands it
    standardises over, the period lies in the follow-up (a person-level view has none), text
    about suicide follows the Samaritans' guidelines, and text about children neither labels
    nor blames them."""
    path: list[str | int] = ["public_views", index]
    if raw["outcome"] not in outcomes:
        raise CatalogProblem(path + ["outcome"], f"outcome {raw['outcome']!r} is not declared "
                                                 f"(outcomes: {', '.join(outcomes)})")
    outcome = outcomes[raw["outcome"]]
    _check_measure(path, raw, shape)
    _check_by(path, raw, dimensions, standard_population)
    period = _period(path, raw, outcome, follow_up, shape)
    _check_suicide_text(path, raw, outcome)
    _check_children_text(path, raw, outcome)
    return PublicView(code=raw["code"], title=raw["title"], outcome=outcome.code,
                      measure=raw["measure"], by=tuple(raw["by"]), period=period,
                      about_suicide=raw["about_suicide"],
                      headline_subject=raw["headline_subject"],
                      what_it_means=raw["what_it_means"],
                      what_it_does_not_mean=raw["what_it_does_not_mean"])


def build_public_views(raw: list[dict[str, Any]], dimensions: dict[str, Dimension],
                       outcomes: dict[str, Outcome], follow_up: FollowUp,
                       standard_population: StandardPopulation | None,
                       policies: dict[str, str],
                       shape: str = PERSON_TIME) -> tuple[PublicView, ...]:
    """The catalog's public views, in order; CatalogProblem at the first problem."""
    views: list[PublicView] = []
    seen: dict[str, int] = {}
    for index, item in enumerate(raw):
        if item["code"] in seen:
            raise CatalogProblem(["public_views", index, "code"],
                                 f"duplicate public view code {item['code']!r} (also used by "
                                 f"public_views[{seen[item['code']]}])")
        seen[item["code"]] = index
        views.append(_build_public_view(index, item, dimensions, outcomes, follow_up,
                                        standard_population, shape))
    if views and "public" not in policies:
        raise CatalogProblem(["sdc", "policies"], "public views need a policy for the public "
                                                  "audience (add public: public)")
    return tuple(views)


__all__ = ["build_public_views"]
