"""The Explore page's view <-> URL query parameters, so a view can be bookmarked and shared.

URL form (all optional)::

    ?outcome=suicide&measure=asmr&by=sex,region&period=2016-2019&where.disability=limited_a_lot&benchmark=total

``benchmark`` (what each group is compared with: ``reference``, the default, or ``total``) is
written only when it is not the default.

Every parameter is checked against the catalog (once, via ``resolve_request``). A parameter
that does not validate -- unknown, tampered or inconsistent with the others -- is replaced by its
default (the catalog's opening view, ``dataset.explore``, over the whole follow-up, no filters)
and produces one plain-words notice. A person-level dataset has no periods: its URLs carry no
``period``, and one in a link is ignored with a notice. Nothing from the URL reaches a query without passing the catalog.
Plain functions: no Streamlit import.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from explorer.catalog import Catalog
from explorer.errors import ExplorerError
from explorer.tables.request import (
    BENCHMARKS, DEFAULT_BENCHMARK, MEASURES, Filters, TableRequest, freeze_view_fields,
    parse_period, resolve_request, validate_request,
)

NO_PERIODS = "this dataset's figures cover the whole follow-up window; it has no periods"

FILTER_PREFIX = "where."
VIEW_PARAMETERS = ("outcome", "measure", "by", "period", "benchmark")
_SHOWN_CHARACTERS = 40


@dataclass(frozen=True)
class ExploreView:
    """What the Explore page shows (frozen, hashable): from a URL it is validated; from the
    widgets it is validated when the page asks for its ``request``."""

    outcome: str
    measure: str
    by: tuple[str, ...]
    where: Filters = field(default_factory=Filters)
    period: tuple[int, int] = (0, 0)
    benchmark: str = DEFAULT_BENCHMARK

    def __post_init__(self) -> None:
        freeze_view_fields(self)

    def request(self, catalog: Catalog, audience: str = "official") -> TableRequest:
        """The validated table request for this view (QueryError if it does not validate)."""
        return validate_request(catalog, outcome=self.outcome, measure=self.measure, by=self.by,
                                where=self.where, period=self.period, audience=audience,
                                benchmark=self.benchmark)

    @classmethod
    def of(cls, request: TableRequest) -> ExploreView:
        return cls(request.outcome, request.measure, request.by, request.where, request.period,
                   request.benchmark)


def default_view(catalog: Catalog) -> ExploreView:
    """The catalog's opening view (dataset.explore), over the whole follow-up."""
    default = catalog.explore_default
    return ExploreView(outcome=default.outcome, measure=default.measure, by=default.by,
                       period=(catalog.follow_up.first_year, catalog.follow_up.last_year))


def view_to_query_params(view: ExploreView, catalog: Catalog | None = None) -> dict[str, str]:
    """The view as query parameters (one string each; filters as ``where.<dimension>``); no
    period for a person-level ``catalog``, whose tables always cover the whole window."""
    params = {"outcome": view.outcome, "measure": view.measure, "by": ",".join(view.by)}
    if catalog is None or not catalog.is_person_level:
        params["period"] = f"{view.period[0]}-{view.period[1]}"
    for code in sorted(view.where):
        if view.where[code]:
            params[f"{FILTER_PREFIX}{code}"] = ",".join(view.where[code])
    if view.benchmark != DEFAULT_BENCHMARK:
        params["benchmark"] = view.benchmark
    return params


def view_from_query_params(params: Mapping[str, str | list[str]],
                           catalog: Catalog) -> tuple[ExploreView, list[str]]:
    """The view a URL asks for, and one notice per parameter that was ignored. The URL's words
    are read here (names of outcomes, measures, dimensions, categories; a period's text); how
    the parts fit together is validated once, by ``resolve_request``, which falls back to the
    default view's part for each one that does not fit."""
    default = default_view(catalog)
    notices: list[str] = []
    values: dict[str, str] = {}
    for name, raw in params.items():
        value = single_value(raw)
        if value is None:
            notices.append(f"Ignored {_shown(name)}: it has no value")
        elif name in VIEW_PARAMETERS or name.startswith(FILTER_PREFIX):
            values[name] = value
        else:
            notices.append(f"Ignored {_shown(name)}={_shown(value)}: not a setting of this page")

    def ignore(name: str, reason: str) -> None:
        notices.append(f"Ignored {_shown(name)}={_shown(values.get(name, ''))}: {reason}")

    parts = {"outcome": default.outcome, "measure": default.measure, "by": default.by,
             "period": None, "where": {}, "benchmark": default.benchmark}
    if "outcome" in values:
        if values["outcome"] in catalog.outcomes:
            parts["outcome"] = values["outcome"]
        else:
            ignore("outcome", "not an outcome in this dataset")
    if "by" in values:
        parts["by"] = tuple(code.strip() for code in values["by"].split(","))
    if "measure" in values:
        if values["measure"] in MEASURES:
            parts["measure"] = values["measure"]
        else:
            ignore("measure", "not a measure")
    if "period" in values and catalog.is_person_level:
        ignore("period", NO_PERIODS)
    elif "period" in values:
        try:
            parts["period"] = parse_period(values["period"], catalog)
        except ExplorerError:
            ignore("period", "not a year or a period like 2011-2015")
    if "benchmark" in values:
        if values["benchmark"] in BENCHMARKS:
            parts["benchmark"] = values["benchmark"]
        else:
            ignore("benchmark", "not a benchmark (reference or total)")
    for name in sorted(name for name in values if name.startswith(FILTER_PREFIX)):
        code = name[len(FILTER_PREFIX):]
        if code not in catalog.dimensions:
            ignore(name, "not a dimension in this dataset")
            continue
        try:
            parts["where"][code] = tuple(dict.fromkeys(
                catalog.dimension(code).resolve_filter(item.strip())
                for item in values[name].split(",")))
        except ExplorerError:
            ignore(name, f"not a category or group of {catalog.dimension(code).label.lower()}")

    fallback = validate_request(catalog, outcome=default.outcome, measure=default.measure,
                                by=default.by, period=default.period)
    request, problems = resolve_request(catalog, **parts, default=fallback)
    for part, reason in problems:
        ignore(part, reason)
    if problems and _does_not_validate(catalog, request):  # a default part that does not fit
        return default, notices + ["Showing the default view: the link's settings do not fit together"]
    return ExploreView.of(request), notices


def _does_not_validate(catalog: Catalog, request: TableRequest) -> bool:
    try:
        ExploreView.of(request).request(catalog)
    except ExplorerError:
        return True
    return False


def single_value(raw: str | list[str] | tuple[str, ...]) -> str | None:
    """One value per parameter; a repeated parameter keeps its last value."""
    if isinstance(raw, (list, tuple)):
        return str(raw[-1]) if raw else None
    return str(raw)


def _shown(text: str) -> str:
    """User text as quoted in a notice: printable characters only, truncated."""
    text = "".join(ch if ch.isprintable() else "?" for ch in str(text))
    return text if len(text) <= _SHOWN_CHARACTERS else text[:_SHOWN_CHARACTERS] + "..."


__all__ = ["ExploreView", "default_view", "single_value", "view_from_query_params",
           "view_to_query_params"]
