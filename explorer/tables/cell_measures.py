"""Measures computed from the cells of a ProtectedTable: one function per measure code, each
returning the measure frame, its unit, its method text and notes (the measures step,
explorer.tables.measure_table, seals the result into a MeasureTable).

Every number comes from what the policy shows: the shown (perturbed, for official and public
outputs) count and rounded denominator of each cell, and, for age-standardised measures, each
age band's own perturbed count (``ProtectedTable.stratified_inputs_for_measures``). A measure
for a hidden cell is hidden with the same marker; rates from fewer than
``rate_reliability.hide_below`` shown events are not calculated ([x]) and from fewer than
``flag_below`` marked [u], as ONS does for death statistics. Formula sources are in the pure
functions this module calls (explorer.measures.*).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from explorer.catalog import Catalog
from explorer.measures.inequality import slope_index_of_inequality
from explorer.measures.proportions import proportion
from explorer.measures.rates import crude_rate
from explorer.measures.ratios import dsr_ratio, proportion_ratio
from explorer.measures.regression import poisson_rate_ratios
from explorer.measures.standardisation import directly_standardised_rate
from explorer.sdc.protected_table import ProtectedTable
from explorer.sdc.status import CellStatus, Marker
from explorer.tables.request import MEASURES, MIN_INDEX_GROUPS, TableRequest

SHOWN = CellStatus.SHOWN.value


def worst_status(statuses) -> CellStatus:
    """The reader status of a figure computed from cells with ``statuses``: suppressed as
    primary if any is, else as secondary if any is, else shown."""
    readers = {CellStatus(status).reader_status for status in statuses}
    for status in (CellStatus.SUPPRESSED_PRIMARY, CellStatus.SUPPRESSED_SECONDARY):
        if status in readers:
            return status
    return CellStatus.SHOWN



# --- shared pieces --------------------------------------------------------------------------

def _base(cells: pd.DataFrame, request: TableRequest, denominator: str) -> pd.DataFrame:
    frame = pd.DataFrame({code: cells[f"{code}_label"] for code in _dims(request)})
    frame["value"] = np.nan
    frame["lower"] = np.nan
    frame["upper"] = np.nan
    frame["events"] = cells["value"]
    frame["denominator"] = cells[denominator].round(2)
    frame["status"] = [CellStatus(s).reader_status.value for s in cells["status"]]
    frame["marker"] = cells["marker"]
    frame["rule"] = cells["rule"]
    return frame


def _dims(request: TableRequest) -> list[str]:
    return list(request.by) if request.by else ["all"]


def _reliability(frame: pd.DataFrame, rows: np.ndarray, policy) -> tuple[np.ndarray, np.ndarray]:
    """Which shown rows can carry a rate (enough events) and which are low reliability."""
    events = frame["events"].to_numpy(dtype=float)
    shown = (frame["status"] == SHOWN).to_numpy() & (frame["marker"] == "").to_numpy() & rows
    computable = shown & (events >= policy.rate_hide_below)
    frame.loc[shown & ~computable, "marker"] = Marker.NOT_AVAILABLE.value
    frame.loc[shown & ~computable, "rule"] = "rate_reliability"
    low = computable & (events < policy.rate_flag_below)
    frame.loc[low, "marker"] = Marker.LOW_RELIABILITY.value
    frame.loc[low, "rule"] = "rate_reliability"
    return computable, low


def _standard_weights(protected: ProtectedTable, catalog: Catalog):
    strata = protected.stratified_inputs_for_measures()
    age = catalog.standardisation_dimension
    weights_by_code = {age.category_by_key(key).code: weight
                       for key, weight in catalog.standard_population.weights.items()}
    bands = sorted({band for band, _ in strata.strata}, key=list(weights_by_code).index)
    band_of = np.array([bands.index(band) for band, _ in strata.strata])
    collapse = np.zeros((len(strata.strata), len(bands)))
    collapse[np.arange(len(strata.strata)), band_of] = 1.0
    weights = np.array([weights_by_code[band] for band in bands], dtype=float)
    return strata.events @ collapse, strata.person_years @ collapse, weights


def _dsr(protected: ProtectedTable, catalog: Catalog, outcome):
    events, person_years, weights = _standard_weights(protected, catalog)
    return directly_standardised_rate(events, person_years, weights, multiplier=outcome.multiplier,
                                      min_events=0)


def _interior(cells: pd.DataFrame) -> np.ndarray:
    return ~cells["is_margin"].to_numpy()


# --- measures -------------------------------------------------------------------------------

def _count(protected, cells, request, catalog):
    if catalog.is_person_level:
        frame = _base(cells, request, "persons")
        frame["value"] = frame["events"]
        outcome = catalog.outcome(request.outcome)
        return (frame, "people", f"Number of people in the cohort with the outcome "
                f"({outcome.label}) over the whole follow-up window (denominator: people in the "
                "cohort).", [])
    frame = _base(cells, request, "person_years")
    frame["value"] = frame["events"]
    return frame, "deaths", "Number of deaths registered in the period (denominator: person-years at risk).", []


def _crude_rate(protected, cells, request, catalog):
    outcome = catalog.outcome(request.outcome)
    frame = _base(cells, request, "person_years")
    ok, _ = _reliability(frame, np.ones(len(frame), bool), protected.policy)
    result = crude_rate(frame["events"].to_numpy(float), frame["denominator"].to_numpy(float),
                        multiplier=outcome.multiplier)
    _fill(frame, ok, result.value, result.lower, result.upper, 2)
    return (frame, outcome.unit, "Crude rate = deaths / person-years x 100,000; 95% CI exact Poisson "
            "below 10 deaths, Byar's approximation from 10 (PHEindicatormethods phe_rate).", [])


def _asmr(protected, cells, request, catalog):
    outcome = catalog.outcome(request.outcome)
    frame = _base(cells, request, "person_years")
    ok, _ = _reliability(frame, np.ones(len(frame), bool), protected.policy)
    result = _dsr(protected, catalog, outcome)
    _fill(frame, ok, result.value, result.lower, result.upper, 2)
    return (frame, outcome.unit, _dsr_method(catalog, outcome), [])


def _dsr_method(catalog, outcome) -> str:
    bands = catalog.standard_population.bands_from_age(outcome.min_age)
    first = catalog.standardisation_dimension.category_by_key(bands[0]).label
    return (f"Directly age-standardised rate per 100,000 person-years, {catalog.standard_population.name} "
            f"(ages {first} and over, weights re-scaled to the bands used); 95% CI by Dobson's "
            "method (PHEindicatormethods calculate_dsr).")


def _proportion(protected, cells, request, catalog):
    frame = _base(cells, request, "persons")
    ok, _ = _reliability(frame, np.ones(len(frame), bool), protected.policy)
    if catalog.is_person_level:  # the outcome's own unit and multiplier (e.g. % of pupils)
        outcome = catalog.outcome(request.outcome)
        multiplier, unit = outcome.multiplier, outcome.unit
        method = (f"People in the cohort with the outcome ({outcome.label}) / people in the "
                  f"cohort x {multiplier:,}; 95% Wilson score CI (statsmodels proportion_confint).")
    else:
        multiplier, unit = 100, "% of people in the linked cohort"
        method = ("Percentage of people in the linked cohort who died of the outcome in the "
                  "period; 95% Wilson score CI (statsmodels proportion_confint).")
    result = proportion(frame["events"].to_numpy(float), frame["denominator"].to_numpy(float),
                        multiplier=multiplier)
    _fill(frame, ok, result.value, result.lower, result.upper, 3)
    return frame, unit, method, []


def _reference(frame, ok, cells, interior, dimension, ratio: str, unavailable: str
               ) -> tuple[int, list[str]]:
    """The reference group's row and the ratio's notes. When the reference's own figure cannot
    be shown, no ratio is calculated: ``ok`` is cleared and the interior rows marked [x]."""
    reference = (cells[dimension.code] == dimension.reference_category.code).to_numpy() & interior
    ref = int(np.flatnonzero(reference)[0])
    notes = [f"Reference group: {dimension.reference_category.label} ({ratio} 1)."]
    if not ok[ref]:
        ok[:] = False
        notes.append(f"The reference group's {unavailable}")
        frame.loc[(frame["marker"] == "") & interior, "marker"] = Marker.NOT_AVAILABLE.value
    return ref, notes


def _proportion_ratio(protected, cells, request, catalog):
    interior = _interior(cells)
    frame = _base(cells, request, "persons")
    ok, _ = _reliability(frame, interior, protected.policy)
    ref, notes = _reference(frame, ok, cells, interior, catalog.dimension(request.by[0]),
                            "ratio", "proportion cannot be shown, so no ratio can be calculated.")
    events, people = frame["events"].to_numpy(float), frame["denominator"].to_numpy(float)
    result = proportion_ratio(events, people, events[ref], people[ref])
    _fill(frame, ok, result.value, result.lower, result.upper, 3)
    frame.loc[ref, ["lower", "upper"]] = np.nan
    return (frame[interior], "ratio", "Ratio of each group's proportion of people with the "
            "outcome to the reference group's; 95% CI on the log scale, var(log ratio) = 1/a - "
            "1/n1 + 1/c - 1/n2 (Katz et al. 1978), treating the groups as independent.", notes)


def _rate_ratio(protected, cells, request, catalog):
    outcome = catalog.outcome(request.outcome)
    interior = _interior(cells)
    frame = _base(cells, request, "person_years")
    ok, _ = _reliability(frame, interior, protected.policy)
    dsr = _dsr(protected, catalog, outcome)
    ref, notes = _reference(frame, ok, cells, interior, catalog.dimension(request.by[0]),
                            "rate ratio", "rate cannot be shown, so no ratio can be calculated.")
    result = dsr_ratio(dsr.value, dsr.variance, dsr.value[ref], dsr.variance[ref])
    _fill(frame, ok, result.value, result.lower, result.upper, 3)
    frame.loc[ref, ["lower", "upper"]] = np.nan
    return (frame[interior], "ratio", "Ratio of each group's age-standardised rate to the reference "
            "group's; 95% CI on the log scale by the delta method, var(log DSR) = var(DSR)/DSR^2 "
            "(Breslow and Day 1987), treating the groups as independent.", notes)


def _adjusted_rate_ratio(protected, cells, request, catalog):
    interior = _interior(cells)
    frame = _base(cells, request, "person_years")
    ok, _ = _reliability(frame, interior, protected.policy)
    dimension = catalog.dimension(request.by[0])
    strata = protected.stratified_inputs_for_measures()
    age = catalog.standard_population.dimension
    also = catalog.standard_population.adjust_also_for  # its stratum, or the group itself
    rows = []
    for i in np.flatnonzero(ok):
        for j, (band, other) in enumerate(strata.strata):
            rows.append({"group": cells[dimension.code].iat[i], age: band,
                         also or "_": other if other is not None else cells[dimension.code].iat[i],
                         "events": strata.events[i, j], "person_years": strata.person_years[i, j]})
    data = pd.DataFrame(rows)
    reference = dimension.reference_category.code
    notes = [f"Reference group: {dimension.reference_category.label} (rate ratio 1)."]
    adjust = [age] + ([also] if also and dimension.code != also else [])
    if data.empty or reference not in set(data["group"]):
        ok[:] = False
        notes.append("The reference group cannot be shown, so no ratio can be calculated.")
    else:
        try:
            model = poisson_rate_ratios(data, "group", reference, adjust).set_index("group")
        except ValueError as error:
            ok[:] = False
            notes.append(f"The model could not be fitted: {error}")
            return frame[interior], "ratio", "Poisson regression (not fitted).", notes
        codes = cells[dimension.code]
        value = codes.map(model["rate_ratio"]).to_numpy(float)
        _fill(frame, ok, value, codes.map(model["lower"]).to_numpy(float),
              codes.map(model["upper"]).to_numpy(float), 3)
    return (frame[interior], "ratio", "Rate ratio from a Poisson regression of deaths with a log "
            f"person-years offset, adjusted for {' and '.join(a.replace('_', ' ') for a in adjust)} "
            "(as the ONS suicide study's minimally adjusted model); 95% Wald CI.", notes)


def _index(kind: str):
    def compute(protected, cells, request, catalog):
        outcome = catalog.outcome(request.outcome)
        dimension = catalog.dimension(request.by[0])
        interior = _interior(cells)
        order = [c.code for c in dimension.categories if not c.residual]
        if dimension.order_direction == "advantaged_first":
            order = order[::-1]  # PHE: the first quantile is the most disadvantaged
        rows = [int(np.flatnonzero(interior & (cells[dimension.code] == code).to_numpy())[0]) for code in order]
        person_level = catalog.is_person_level
        groups = _base(cells, request, "persons" if person_level else "person_years").iloc[rows]
        summary = pd.DataFrame({"value": [np.nan], "lower": [np.nan], "upper": [np.nan],
                                "events": [groups["events"].sum(min_count=1)],
                                "denominator": [round(groups["denominator"].sum(), 2)],
                                "status": [SHOWN], "marker": [""], "rule": [""]})
        hidden = groups[groups["status"] != SHOWN]
        too_few = groups["events"].lt(protected.policy.rate_hide_below).any()
        what = "proportions" if person_level else "rates"
        notes = [f"Groups ordered from most disadvantaged ({_label(dimension, order[0])}) to least "
                 f"({_label(dimension, order[-1])}); a positive value means higher {what} in the "
                 "more disadvantaged groups."]
        if len(hidden):
            status = worst_status(hidden["status"]).value
            summary.loc[0, ["status", "marker", "rule"]] = [status, Marker.CONFIDENTIAL.value, "inherits_hidden_group"]
            summary.loc[0, ["events", "denominator"]] = np.nan  # no sum that omits a hidden group
        elif too_few:
            summary.loc[0, ["marker", "rule"]] = [Marker.NOT_AVAILABLE.value, "rate_reliability"]
        else:
            try:
                result = _group_index(protected, catalog, outcome, groups, rows)
            except ValueError as error:  # e.g. a proportion of 0 or 1 has no logit
                summary.loc[0, ["marker", "rule"]] = [Marker.NOT_AVAILABLE.value, "index_not_defined"]
                notes.append(f"The index cannot be calculated from these groups: {error}.")
            else:
                values = ((result.sii, result.sii_lower, result.sii_upper) if kind == "sii"
                          else (result.rii, result.rii_lower, result.rii_upper))
                summary.loc[0, ["value", "lower", "upper"]] = [round(float(v), 3) for v in values]
                if groups["events"].lt(protected.policy.rate_flag_below).any():
                    summary.loc[0, ["marker", "rule"]] = [Marker.LOW_RELIABILITY.value, "rate_reliability"]
        unit = outcome.unit if kind == "sii" else "ratio"
        name = "Slope" if kind == "sii" else "Relative"
        if person_level:
            method = (f"{name} index of inequality across {dimension.label.lower()} from the "
                      "groups' proportions of people with the outcome and their Wilson 95% limits, "
                      "population-weighted regression on the midpoint of each group's cumulative "
                      "population share, fitted on the logit scale and back-transformed; 95% CI by "
                      "simulation (PHEindicatormethods phe_sii, value_type 2, transform TRUE, "
                      "100,000 repetitions, fixed seed).")
        else:
            method = (f"{name} index of inequality across {dimension.label.lower()} from "
                      "age-standardised rates, population-weighted regression on the midpoint of "
                      "each group's cumulative population share; 95% CI by simulation "
                      "(PHEindicatormethods phe_sii, 100,000 repetitions, fixed seed).")
        return summary, unit, method, notes
    return compute


def _group_index(protected, catalog, outcome, groups: pd.DataFrame, rows: list[int]):
    """SII and RII across the ordered groups, from what is shown: age-standardised rates (log
    scale for the simulation) in a person-time dataset; in a person-level one, proportions with
    their Wilson limits (PHE value_type 2, values as proportions, the SII scaled by the
    outcome's multiplier), fitted on the logit scale and back-transformed (PHE transform =
    TRUE), so that the fitted proportions at both ends stay between 0 and 1 and the RII is a
    ratio of two proportions (a straight line through a steep gradient between a few unequal
    groups can cross 0, which would make the RII negative). Sign as PHE with a negative
    multiplier: positive when the more disadvantaged groups are higher."""
    population = groups["denominator"].to_numpy(float)
    if catalog.is_person_level:
        shares = proportion(groups["events"].to_numpy(float), population)
        return slope_index_of_inequality(shares.value, shares.lower, shares.upper, population,
                                         value_type=2, transform=True,
                                         multiplier=-outcome.multiplier,
                                         min_groups=MIN_INDEX_GROUPS)
    dsr = _dsr(protected, catalog, outcome)
    return slope_index_of_inequality(dsr.value[rows], dsr.lower[rows], dsr.upper[rows],
                                     population, value_type=1, multiplier=-1,
                                     min_groups=MIN_INDEX_GROUPS)


def _label(dimension, code) -> str:
    return dimension.category_by_code(code).label


def _fill(frame: pd.DataFrame, ok: np.ndarray, value, lower, upper, digits: int) -> None:
    for column, values in (("value", value), ("lower", lower), ("upper", upper)):
        values = np.round(np.asarray(values, dtype=float), digits)
        frame[column] = np.where(ok, values, np.nan)


MEASURE_FUNCTIONS = {
    "count": _count, "crude_rate": _crude_rate, "asmr": _asmr, "proportion": _proportion,
    "rate_ratio": _rate_ratio, "adjusted_rate_ratio": _adjusted_rate_ratio,
    "proportion_ratio": _proportion_ratio,
    "sii": _index("sii"), "rii": _index("rii"),
}
assert set(MEASURE_FUNCTIONS) == set(MEASURES)
