"""The Explore page's view <-> URL query parameters, so a view can be bookmarked and shared.

URL form (all optional)::

    ?outcome=suicide&measure=asmr&by=sex,region&period=2016-2019&where.disability=limited_a_lot

Every parameter is checked against the catalog (via ``validate_request``). A parameter that
does not validate -- unknown, tampered or inconsistent with the others -- is replaced by its
default (suicide, age-standardised rate, by sex, the whole follow-up, no filters) and produces
one plain-words notice. Nothing from the URL reaches a query without passing the catalog.
Plain functions: no Streamlit import.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from explorer.catalog import Catalog
from explorer.errors import ExplorerError
from explorer.tables.request import MEASURES, TableRequest, parse_period, validate_request

DEFAULT_OUTCOME = "suicide"
DEFAULT_MEASURE = "asmr"
DEFAULT_BY = ("sex",)
MAX_VIEW_DIMENSIONS = 2
FILTER_PREFIX = "where."
VIEW_PARAMETERS = ("outcome", "measure", "by", "period")
_SHOWN_CHARACTERS = 40


@dataclass(frozen=True)
class ExploreView:
    """What the Explore page shows: validated against the catalog when built from a URL."""

    outcome: str
    measure: str
    by: tuple[str, ...]
    where: dict[str, tuple[str, ...]] = field(default_factory=dict)
    period: tuple[int, int] = (0, 0)

    def request(self, catalog: Catalog, audience: str = "official") -> TableRequest:
        """The validated table request for this view (QueryError if it does not validate)."""
        return validate_request(catalog, outcome=self.outcome, measure=self.measure, by=self.by,
                                where=self.where, period=self.period, audience=audience)


def default_view(catalog: Catalog) -> ExploreView:
    return ExploreView(outcome=DEFAULT_OUTCOME, measure=DEFAULT_MEASURE, by=DEFAULT_BY, where={},
                       period=(catalog.follow_up.first_year, catalog.follow_up.last_year))


def view_to_query_params(view: ExploreView) -> dict[str, str]:
    """The view as query parameters (one string each; filters as ``where.<dimension>``)."""
    params = {"outcome": view.outcome, "measure": view.measure, "by": ",".join(view.by),
              "period": f"{view.period[0]}-{view.period[1]}"}
    for code in sorted(view.where):
        if view.where[code]:
            params[f"{FILTER_PREFIX}{code}"] = ",".join(view.where[code])
    return params


def view_from_query_params(params: Mapping[str, str | list[str]],
                           catalog: Catalog) -> tuple[ExploreView, list[str]]:
    """The view a URL asks for, and one notice per parameter that was ignored."""
    default = default_view(catalog)
    notices: list[str] = []
    values: dict[str, str] = {}
    for name, raw in params.items():
        value = _single(raw)
        if value is None:
            notices.append(f"Ignored {_shown(name)}: it has no value")
        elif name in VIEW_PARAMETERS or name.startswith(FILTER_PREFIX):
            values[name] = value
        else:
            notices.append(f"Ignored {_shown(name)}={_shown(value)}: not a setting of this page")

    def ignore(name: str, reason: str) -> None:
        notices.append(f"Ignored {_shown(name)}={_shown(values[name])}: {reason}")

    outcome = default.outcome
    if "outcome" in values:
        if values["outcome"] in catalog.outcomes:
            outcome = values["outcome"]
        else:
            ignore("outcome", "not an outcome in this dataset")

    by = default.by
    if "by" in values:
        try:
            by = _parse_by(values["by"], catalog)
        except ExplorerError as error:
            ignore("by", str(error))

    measure = default.measure
    if "measure" in values:
        if values["measure"] not in MEASURES:
            ignore("measure", "not a measure")
        else:
            reason = _check(catalog, outcome=outcome, measure=values["measure"], by=by)
            if reason:
                ignore("measure", reason)
            else:
                measure = values["measure"]

    period = default.period
    if "period" in values:
        try:
            candidate = parse_period(values["period"], catalog)
        except ExplorerError:
            ignore("period", "not a year or a period like 2011-2015")
        else:
            reason = _check(catalog, outcome=outcome, measure=measure, by=by, period=candidate)
            if reason:
                ignore("period", reason)
            else:
                period = candidate

    where: dict[str, tuple[str, ...]] = {}
    for name in sorted(name for name in values if name.startswith(FILTER_PREFIX)):
        code = name[len(FILTER_PREFIX):]
        if code not in catalog.dimensions:
            ignore(name, "not a dimension in this dataset")
            continue
        if code in by:
            ignore(name, "that dimension is already a breakdown")
            continue
        try:
            keys = tuple(dict.fromkeys(catalog.dimension(code).resolve_filter(item.strip())
                                       for item in values[name].split(",")))
        except ExplorerError:
            ignore(name, f"not a category or group of {catalog.dimension(code).label.lower()}")
            continue
        reason = _check(catalog, outcome=outcome, measure=measure, by=by, period=period,
                        where={**where, code: keys})
        if reason:
            ignore(name, reason)
        else:
            where[code] = keys

    view = ExploreView(outcome=outcome, measure=measure, by=by, where=where, period=period)
    if _check(catalog, outcome=view.outcome, measure=view.measure, by=view.by, where=view.where,
              period=view.period):  # defensive: never hand back a view that does not validate
        return default, notices + ["Showing the default view: the link's settings do not fit together"]
    return view, notices


def _parse_by(text: str, catalog: Catalog) -> tuple[str, ...]:
    codes = tuple(code.strip() for code in text.split(","))
    if not codes or any(not code for code in codes):
        raise ExplorerError("empty breakdown dimension")
    for code in codes:
        if code not in catalog.dimensions:
            raise ExplorerError(f"{_shown(code)} is not a dimension in this dataset")
    if len(set(codes)) != len(codes):
        raise ExplorerError("a dimension is repeated")
    if len(codes) > MAX_VIEW_DIMENSIONS:
        raise ExplorerError(f"at most {MAX_VIEW_DIMENSIONS} breakdown dimensions")
    return codes


def _check(catalog: Catalog, **parts) -> str:
    """'' if the parts validate together, else the reason in words."""
    try:
        validate_request(catalog, **parts)
    except ExplorerError as error:
        return str(error)
    return ""


def _single(raw: str | list[str] | tuple[str, ...]) -> str | None:
    """One value per parameter; a repeated parameter keeps its last value."""
    if isinstance(raw, (list, tuple)):
        return str(raw[-1]) if raw else None
    return str(raw)


def _shown(text: str) -> str:
    """User text as quoted in a notice: printable characters only, truncated."""
    text = "".join(ch if ch.isprintable() else "?" for ch in str(text))
    return text if len(text) <= _SHOWN_CHARACTERS else text[:_SHOWN_CHARACTERS] + "..."


__all__ = ["ExploreView", "default_view", "view_from_query_params", "view_to_query_params"]
