"""Plotly figures drawn from a protected ``MeasureTable`` and nothing else.

Every function takes a :class:`~explorer.tables.measure_table.MeasureTable` (anything else, such as a
DataFrame of raw counts, raises TypeError), so a chart can only show numbers that have passed
disclosure control. Hover text is built only from the frame's shown columns (value, lower,
upper, events, denominator, marker); hidden and not-calculated rows are kept on the category
axis and labelled with their GSS marker, so a gap is never silent. Which rows are totals,
subtotals or the reference category is read from the table's ``row_flags`` (made by the
measures step from the protected cells), never guessed from labels or looked up in the catalog.

- ``group_chart``: one breakdown: dots with asymmetric 95% CIs (bars for counts), the
  reference category marked, margins drawn distinctly; for rate ratios a forest plot with a
  line at 1.
- ``two_way_chart``: two breakdowns: a heatmap without the margins, hidden cells blank with
  their marker as cell text.
- ``comparison_chart``: two breakdowns, the second with a few levels (linked and unlinked
  records): dots with CIs per category, a colour per level.
- ``trend_chart``: a trend table (first breakdown x calendar year): a line per group over the
  years, hidden years left as gaps and labelled with their marker.
- ``chart_for``: picks the right figure (SII/RII: one point with its CI).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from explorer.formats import readable_number
from explorer.tables.measure_table import MARGIN_SUFFIX, TOTAL, MeasureTable

# Okabe and Ito (2008), colour-blind safe.
OKABE_ITO = {
    "black": "#000000", "orange": "#E69F00", "sky_blue": "#56B4E9", "bluish_green": "#009E73",
    "yellow": "#F0E442", "blue": "#0072B2", "vermillion": "#D55E00", "reddish_purple": "#CC79A7",
}
# Cividis is designed to read the same with colour vision deficiency.
HEATMAP_COLOURSCALE = "Cividis"
TOTAL_LABEL = "Total"
MARKER_WORDS = {"[c]": "hidden", "[x]": "not available", "[z]": "not applicable",
                "[u]": "low reliability"}
_RATIO_MEASURES = {"rate_ratio", "adjusted_rate_ratio", "proportion_ratio"}
_INDEX_MEASURES = {"sii", "rii"}


# --- shared helpers -------------------------------------------------------------------------

def _require(table: object) -> MeasureTable:
    """Refuse anything that is not a protected MeasureTable."""
    if not isinstance(table, MeasureTable):
        raise TypeError(f"charts are drawn from a protected MeasureTable only, not "
                        f"{type(table).__name__}: build one with explorer.tables.build_table")
    return table


def dimension_columns(table: MeasureTable) -> list[str]:
    """The frame's breakdown columns (dimension codes), in order."""
    return list(_require(table).dimensions)


def margin_rows(table: MeasureTable) -> np.ndarray:
    """True for frame rows that are a margin (Total or subtotal) of any breakdown dimension,
    as the measures step flagged them."""
    return _require(table).row_flags["is_margin"].to_numpy(dtype=bool)


def _is_total(flags: pd.DataFrame, dimension: str) -> np.ndarray:
    """True for rows at the total of ``dimension`` (not a subtotal)."""
    return (flags[dimension] == TOTAL).to_numpy(dtype=bool)


def category_labels(table: MeasureTable) -> list[str]:
    """The axis label of each frame row, unique: a one-dimension table's subtotals say so, and
    a total whose label a category also has says it is the total."""
    table = _require(table)
    dims = dimension_columns(table)
    if not dims:
        return [table.title]
    frame, flags = table.frame, table.row_flags
    labels = [" / ".join(str(row[d]) for d in dims) for _, row in frame.iterrows()]
    if len(dims) == 1:
        margin = flags[f"{dims[0]}{MARGIN_SUFFIX}"].to_numpy(dtype=bool)
        subtotal = margin & ~_is_total(flags, dims[0])
        labels = [f"{label} (subtotal)" if sub else label for label, sub in zip(labels, subtotal)]
    margins = flags["is_margin"].to_numpy(dtype=bool)
    interior_labels = {label for label, margin in zip(labels, margins) if not margin}
    labels = [f"{label} (all groups)" if margin and label in interior_labels else label
              for label, margin in zip(labels, margins)]
    return labels


def _reference_label(table: MeasureTable, labels: list[str]) -> str | None:
    """The axis label of the row the measures step flagged as the reference category."""
    rows = np.flatnonzero(table.row_flags["is_reference"].to_numpy(dtype=bool))
    return labels[rows[0]] if len(rows) else None


def _number(value: float) -> str:
    """A readable number: integers with separators, others to at most three decimals."""
    return readable_number(value, 3)


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def marker_text(marker: str) -> str:
    """'[c]' -> '[c] hidden'; '' -> 'no value'."""
    first = marker.split("]")[0] + "]" if marker else ""
    return f"{marker} {MARKER_WORDS.get(first, 'no value')}".strip() if marker else "no value"


def _hover(table: MeasureTable, row: pd.Series, label: str) -> str:
    """Hover text from the shown columns only."""
    lines = [f"<b>{label}</b>"]
    value, lower, upper = row["value"], row["lower"], row["upper"]
    if _missing(value):
        lines.append(f"Value: {marker_text(row['marker'])}")
    else:
        ci = "" if _missing(lower) or _missing(upper) else f" (95% CI {_number(lower)} to {_number(upper)})"
        lines.append(f"Value: {_number(value)} {table.unit}{ci}")
    if table.request.measure != "count":
        events = row["events"]
        lines.append(f"{table.events_label}: {row['marker'] or 'none shown'}" if _missing(events)
                     else f"{table.events_label}: {_number(events)}")
    denominator = row["denominator"]
    if not _missing(denominator):
        lines.append(f"{table.denominator_label}: {_number(denominator)}")
    if row["marker"] and not _missing(value):
        lines.append(marker_text(row["marker"]))
    return "<br>".join(lines)


def _finish(fig: go.Figure, table: MeasureTable, height: int) -> go.Figure:
    """Title, caption (marker legend) and layout shared by every chart. The trace legend sits
    at the right, the caption below the axis title, so neither overlaps the plot."""
    top, bottom = 70, 110 if table.legend else 60
    fig.update_layout(
        title={"text": table.title, "x": 0, "xanchor": "left"}, template="plotly_white",
        height=height, margin={"l": 10, "r": 20, "t": top, "b": bottom},
        legend={"x": 1.02, "xanchor": "left", "y": 1, "yanchor": "top"},
        font={"color": OKABE_ITO["black"]})
    if table.legend:
        plot_height = max(height - top - bottom, 1)
        fig.add_annotation(text=table.legend, name="legend", showarrow=False, xref="paper",
                           yref="paper", x=0, y=-65 / plot_height, xanchor="left",
                           yanchor="top", font={"size": 11})
    return fig


# --- one breakdown --------------------------------------------------------------------------

def group_chart(table: MeasureTable) -> go.Figure:
    """Values by category (frame order), with CIs, reference and margins marked, gaps labelled."""
    table = _require(table)
    frame, flags = table.frame, table.row_flags
    labels = category_labels(table)
    dims = dimension_columns(table)
    margins = flags["is_margin"].to_numpy(dtype=bool)
    is_reference = flags["is_reference"].to_numpy(dtype=bool)
    reference = _reference_label(table, labels)
    counts = table.request.measure == "count"
    ratio = table.request.measure in _RATIO_MEASURES
    hover = [_hover(table, row, label) for (_, row), label in zip(frame.iterrows(), labels)]
    fig = go.Figure()
    groups = [("Groups", ~margins & ~is_reference, OKABE_ITO["blue"], "circle"),
              (f"Reference group: {reference}", is_reference, OKABE_ITO["vermillion"], "diamond"),
              ("Total and subtotals", margins, OKABE_ITO["black"], "square")]
    for name, rows, colour, symbol in groups:
        if not rows.any():
            continue
        part = frame[rows]
        value = part["value"].to_numpy(float)
        y = [label for label, keep in zip(labels, rows) if keep]
        text = [m if m and not _missing(v) else "" for m, v in zip(part["marker"], value)]
        hovertext = [h for h, keep in zip(hover, rows) if keep]
        if counts:
            fig.add_trace(go.Bar(x=value, y=y, orientation="h", name=name, marker_color=colour,
                                 text=text, textposition="outside", hovertext=hovertext,
                                 hoverinfo="text", cliponaxis=False))
            continue
        error = {"type": "data", "symmetric": False, "color": colour, "thickness": 1.5,
                 "array": part["upper"].to_numpy(float) - value,
                 "arrayminus": value - part["lower"].to_numpy(float)}
        fig.add_trace(go.Scatter(x=value, y=y, mode="markers+text", name=name, error_x=error,
                                 marker={"color": colour, "symbol": symbol, "size": 10},
                                 text=text, textposition="middle right",
                                 hovertext=hovertext, hoverinfo="text"))
    gaps = [{"text": marker_text(row["marker"]), "name": "gap", "x": 0, "xref": "paper",
             "xanchor": "left", "y": label, "yref": "y", "showarrow": False,
             "font": {"color": OKABE_ITO["vermillion"], "size": 11}}
            for label, (_, row) in zip(labels, frame.iterrows()) if _missing(row["value"])]
    if ratio:
        # On a log axis annotations take log10 positions (shapes take data values): log10(1) = 0.
        fig.add_vline(x=1, line_dash="dash", line_color=OKABE_ITO["black"])
        gaps.append({"text": "1 = no difference", "name": "no_difference", "x": 0, "xref": "x",
                     "y": 1, "yref": "paper", "yanchor": "bottom", "showarrow": False})
    elif len(dims) == 1 and not counts:
        total = np.flatnonzero(_is_total(flags, dims[0]))
        if len(total) and not _missing(frame["value"].iat[total[0]]):
            fig.add_vline(x=float(frame["value"].iat[total[0]]), line_dash="dot",
                          line_color=OKABE_ITO["black"], annotation_text=TOTAL_LABEL,
                          annotation_position="top")
    # One layout update: add_annotation per row is quadratic in plotly.
    fig.update_layout(annotations=list(fig.layout.annotations) + gaps)
    fig.update_yaxes(categoryorder="array", categoryarray=labels, autorange="reversed",
                     type="category", title=None)
    fig.update_xaxes(title=table.unit, type="log" if ratio else "linear",
                     rangemode="tozero" if not ratio else None)
    return _finish(fig, table, height=max(320, 140 + 26 * len(labels)))


# --- trend over calendar years ---------------------------------------------------------------

_LINE_COLOURS = [OKABE_ITO[name] for name in ("blue", "orange", "bluish_green", "reddish_purple",
                                              "sky_blue", "vermillion", "yellow")]


def trend_chart(table: MeasureTable) -> go.Figure:
    """A line per group of the first breakdown over calendar years (the 'All years' margin is
    left out; the group total is drawn in black, dotted). Hidden or not-calculated years are
    gaps in the lines, marked by grey crosses on the axis whose hover text gives the marker;
    hover text comes from shown columns only."""
    table = _require(table)
    if "year" not in table.request.by:
        raise ValueError("trend_chart needs a table broken down by year (explorer.tables.request.trend_request)")
    frame, flags = table.frame, table.row_flags
    dims = [d for d in dimension_columns(table) if d != "year"]
    keep = ~_is_total(flags, "year")  # the 'All years' margin
    years, year_flags = frame[keep], flags[keep]
    order = years["year"].drop_duplicates().tolist()
    levels = list(dict.fromkeys(year_flags[dims[0]])) if dims else [None]
    fig = go.Figure()
    gap_x, gap_hover = [], []
    for index, level in enumerate(levels):
        rows = years if level is None else years[(year_flags[dims[0]] == level).to_numpy()]
        is_total = level is None or level == TOTAL
        colour = OKABE_ITO["black"] if is_total else _LINE_COLOURS[index % len(_LINE_COLOURS)]
        label = "All people" if level is None else str(rows[dims[0]].iat[0])
        if level is not None and not is_total and \
                year_flags.loc[rows.index, f"{dims[0]}{MARGIN_SUFFIX}"].iat[0]:
            label = f"{label} (subtotal)"
        value = rows["value"].to_numpy(float)
        hover = [_hover(table, row, f"{label}, {row['year']}") for _, row in rows.iterrows()]
        error = None
        if table.request.measure != "count":
            error = {"type": "data", "symmetric": False, "color": colour, "thickness": 1,
                     "array": rows["upper"].to_numpy(float) - value,
                     "arrayminus": value - rows["lower"].to_numpy(float)}
        fig.add_trace(go.Scatter(x=rows["year"].tolist(), y=value, mode="lines+markers", name=label,
                                 line={"color": colour, "width": 3 if is_total else 2,
                                       "dash": "dot" if is_total else "solid"},
                                 error_y=error, connectgaps=False, hovertext=hover, hoverinfo="text"))
        missing = np.isnan(value)
        gap_x += [year for year, gap in zip(rows["year"], missing) if gap]
        gap_hover += [h for h, gap in zip(hover, missing) if gap]
    if gap_x:
        fig.add_trace(go.Scatter(x=gap_x, y=[0] * len(gap_x), mode="markers",
                                 name="Year hidden or not available ([c], [x])",
                                 marker={"symbol": "x-thin", "size": 9, "color": "#777777",
                                         "line": {"width": 1.5, "color": "#777777"}},
                                 hovertext=gap_hover, hoverinfo="text"))
    fig.update_xaxes(title="Calendar year of death", type="category", categoryorder="array",
                     categoryarray=order)
    fig.update_yaxes(title=table.unit, rangemode="tozero")
    return _finish(fig, table, height=460)


# --- two breakdowns -------------------------------------------------------------------------

def two_way_chart(table: MeasureTable) -> go.Figure:
    """Heatmap of value: rows the first dimension, columns the second, margins left out."""
    table = _require(table)
    dims = dimension_columns(table)
    if len(dims) != 2:
        raise ValueError(f"two_way_chart needs a table with two breakdowns; this one has {len(dims)}")
    first, second = dims
    keep = ~margin_rows(table)
    frame = table.frame[keep]
    rows = list(dict.fromkeys(frame[first].astype(str)))
    cols = list(dict.fromkeys(frame[second].astype(str)))
    z = [[None] * len(cols) for _ in rows]
    text = [[""] * len(cols) for _ in rows]
    hover = [[""] * len(cols) for _ in rows]
    for _, row in frame.iterrows():
        i, j = rows.index(str(row[first])), cols.index(str(row[second]))
        value = row["value"]
        z[i][j] = None if _missing(value) else float(value)
        text[i][j] = row["marker"] if _missing(value) else f"{_number(value)}{row['marker']}"
        hover[i][j] = _hover(table, row, f"{row[first]}, {row[second]}")
    fig = go.Figure(go.Heatmap(z=z, x=cols, y=rows, text=text, texttemplate="%{text}",
                               hovertext=hover, hoverinfo="text", colorscale=HEATMAP_COLOURSCALE,
                               colorbar={"title": {"text": table.unit}}, xgap=1, ygap=1,
                               hoverongaps=True, name=table.unit))
    fig.update_yaxes(type="category", autorange="reversed")
    fig.update_xaxes(type="category", tickangle=-30)
    fig.update_layout(plot_bgcolor="#FFFFFF")
    return _finish(fig, table, height=max(360, 180 + 28 * len(rows)))


# --- two groups side by side -----------------------------------------------------------------

def comparison_chart(table: MeasureTable) -> go.Figure:
    """A two-breakdown table drawn as dots with CIs: the first breakdown's categories down the
    axis, one colour per level of the second (e.g. linked and unlinked records), margins left
    out; hidden or not-calculated values are labelled with their marker at the axis."""
    table = _require(table)
    dims = dimension_columns(table)
    if len(dims) != 2:
        raise ValueError(f"comparison_chart needs a table with two breakdowns; this one has {len(dims)}")
    first, second = dims
    frame = table.frame[~margin_rows(table)]
    labels = list(dict.fromkeys(frame[first].astype(str)))
    colours = [OKABE_ITO["blue"], OKABE_ITO["vermillion"], OKABE_ITO["bluish_green"]]
    symbols = ["circle", "diamond", "square"]
    fig = go.Figure()
    gaps = []
    for index, level in enumerate(dict.fromkeys(frame[second])):
        part = frame[frame[second] == level]
        value = part["value"].to_numpy(float)
        colour = colours[index % len(colours)]
        fig.add_trace(go.Scatter(
            x=value, y=part[first].astype(str).tolist(), mode="markers", name=str(level),
            marker={"color": colour, "symbol": symbols[index % len(symbols)], "size": 10},
            error_x={"type": "data", "symmetric": False, "color": colour, "thickness": 1.5,
                     "array": part["upper"].to_numpy(float) - value,
                     "arrayminus": value - part["lower"].to_numpy(float)},
            hovertext=[_hover(table, row, f"{row[first]}, {row[second]}")
                       for _, row in part.iterrows()], hoverinfo="text"))
        gaps += [f"{row[second]}: {marker_text(row['marker'])}" for _, row in part.iterrows()
                 if _missing(row["value"])]
    if gaps:
        fig.add_annotation(text="Not shown: " + "; ".join(gaps), name="gap", showarrow=False,
                           xref="paper", yref="paper", x=0, y=1, yanchor="bottom",
                           xanchor="left", font={"color": OKABE_ITO["vermillion"], "size": 11})
    fig.update_yaxes(categoryorder="array", categoryarray=labels, autorange="reversed",
                     type="category", title=None)
    fig.update_xaxes(title=table.unit, rangemode="tozero")
    return _finish(fig, table, height=max(320, 140 + 30 * len(labels)))


# --- indices and the chooser ----------------------------------------------------------------

def index_chart(table: MeasureTable) -> go.Figure:
    """A single summary (SII or RII): one point with its CI, and a line at no inequality."""
    table = _require(table)
    row = table.frame.iloc[0]
    label = table.request.measure.upper()
    value = float(row["value"])
    fig = go.Figure(go.Scatter(
        x=[value], y=[label], mode="markers", name=label, hovertext=[_hover(table, row, label)],
        hoverinfo="text", marker={"color": OKABE_ITO["blue"], "size": 12},
        error_x={"type": "data", "symmetric": False, "array": [float(row["upper"]) - value],
                 "arrayminus": [value - float(row["lower"])], "color": OKABE_ITO["blue"]}))
    if _missing(row["value"]):
        fig.add_annotation(text=marker_text(row["marker"]), name="gap", x=0, xref="paper",
                           xanchor="left", y=label, yref="y", showarrow=False)
    fig.add_vline(x=1 if table.request.measure == "rii" else 0, line_dash="dash",
                  line_color=OKABE_ITO["black"], annotation_text="no inequality")
    fig.update_yaxes(type="category", title=None)
    fig.update_xaxes(title=table.unit)
    return _finish(fig, table, height=300)


def chart_for(table: MeasureTable) -> go.Figure:
    """The figure that suits the table: index, heatmap (two breakdowns) or group chart."""
    table = _require(table)
    if "year" in table.request.by:
        return trend_chart(table)
    if table.request.measure in _INDEX_MEASURES:
        return index_chart(table)
    if len(dimension_columns(table)) == 2:
        return two_way_chart(table)
    return group_chart(table)


__all__ = ["OKABE_ITO", "category_labels", "chart_for", "comparison_chart", "dimension_columns",
           "group_chart", "index_chart", "margin_rows", "marker_text", "two_way_chart"]
