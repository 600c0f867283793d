"""The trend chart: a trend table (first breakdown x calendar year) drawn as a line per group.

Up to six groups share one figure, each line with its own colour, dash and marker; more than six
are drawn as small multiples, a panel per group with the total as a grey dotted line. Hidden
years are left as gaps and labelled with their marker.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from explorer.app.chart_rows import (_hover, _is_total, _require, benchmark_name, comparisons,
                                     dimension_columns)
from explorer.app.chart_style import _SMALL_FONT, COLOURS, EVERYONE, _finish
from explorer.tables.measure_table import MARGIN_SUFFIX, TOTAL, MeasureTable

TREND_STYLES = [  # colour, dash, symbol: each line differs from every other in all three
    (COLOURS["blue"], "solid", "circle"),
    (COLOURS["vermillion"], "dash", "triangle-up"),
    (COLOURS["bluish_green"], "dashdot", "diamond"),
    (COLOURS["reddish_purple"], "longdash", "triangle-down"),
    (COLOURS["dark_orange"], "longdashdot", "star"),
    (COLOURS["wine"], "5px,3px,1px,3px,1px,3px", "hexagon"),
]
TOTAL_STYLE = (COLOURS["black"], "dot", "square")
PANEL_STYLE = (COLOURS["blue"], "solid", "circle")
PANEL_TOTAL_STYLE = (COLOURS["light_grey"], "dot", "square-open")
GAP_COLOUR = COLOURS["light_grey"]
_MAX_LINES = len(TREND_STYLES)
_PANEL_COLUMNS = 3


def _trend_lines(table: MeasureTable) -> list[tuple[str, pd.DataFrame, bool]]:
    """(label, that line's rows, is the total) per line of a trend table, in frame order; the
    'All years' margin is left out."""
    frame, flags = table.frame, table.row_flags
    dims = [d for d in dimension_columns(table) if d != "year"]
    keep = ~_is_total(flags, "year")
    years, year_flags = frame[keep], flags[keep]
    if not dims:
        return [("All people", years, True)]
    lines = []
    for level in dict.fromkeys(year_flags[dims[0]]):
        mask = (year_flags[dims[0]] == level).to_numpy()
        rows = years[mask]
        is_total = level == TOTAL
        label = EVERYONE if is_total else str(rows[dims[0]].iat[0])
        if not is_total and year_flags[mask][f"{dims[0]}{MARGIN_SUFFIX}"].iat[0]:
            label = f"{label} (subtotal)"
        lines.append((label, rows, is_total))
    return lines


def _line_trace(table: MeasureTable, label: str, rows: pd.DataFrame, style: tuple[str, str, str],
                width: float, **extra) -> tuple[go.Scatter, list, list]:
    """One line over the years, and the years (with hover text) where it has a gap."""
    colour, dash, symbol = style
    value = rows["value"].to_numpy(float)
    compared, benchmark = comparisons(table), benchmark_name(table)
    hover = [_hover(table, row, f"{label}, {row['year']}", compared[index], benchmark)
             for index, row in rows.iterrows()]
    error = None
    if table.request.measure != "count":
        error = {"type": "data", "symmetric": False, "color": colour, "thickness": 1,
                 "array": rows["upper"].to_numpy(float) - value,
                 "arrayminus": value - rows["lower"].to_numpy(float)}
    trace = go.Scatter(x=rows["year"].tolist(), y=value, mode="lines+markers", name=label,
                       line={"color": colour, "width": width, "dash": dash},
                       marker={"color": colour, "symbol": symbol, "size": 8,
                               "line": {"color": colour, "width": 1.5}},
                       error_y=error, connectgaps=False, hovertext=hover, hoverinfo="text", **extra)
    missing = np.isnan(value)
    return (trace, [y for y, gap in zip(rows["year"], missing) if gap],
            [h for h, gap in zip(hover, missing) if gap])


def _gap_trace(gap_x: list, gap_hover: list, **extra) -> go.Scatter:
    return go.Scatter(x=gap_x, y=[0] * len(gap_x), mode="markers",
                      name="Year hidden or not available ([c], [x])",
                      marker={"symbol": "x-thin", "size": 9, "color": GAP_COLOUR,
                              "line": {"width": 1.5, "color": GAP_COLOUR}},
                      hovertext=gap_hover, hoverinfo="text", **extra)


def trend_chart(table: MeasureTable) -> go.Figure:
    """A line per group of the first breakdown over calendar years (the 'All years' margin is
    left out). Up to six groups: one figure, each line with its own colour, dash and marker
    symbol and the total in black, dotted. More than six: small multiples, a panel per group
    (titled with its label, same axes) with the total as a grey dotted reference line in each,
    so no colour is reused for different groups. Hidden or not-calculated years are gaps in
    the lines, marked by grey crosses on the axis whose hover text gives the marker; hover text
    comes from shown columns only."""
    table = _require(table)
    if "year" not in table.request.by:
        raise ValueError("trend_chart needs a table broken down by year (explorer.tables.request.trend_request)")
    order = table.frame.loc[~_is_total(table.row_flags, "year"), "year"].drop_duplicates().tolist()
    lines = _trend_lines(table)
    groups = [line for line in lines if not line[2]]
    if len(groups) > _MAX_LINES:
        return _small_multiples(table, lines, order)
    fig = go.Figure()
    gap_x, gap_hover = [], []
    styles = iter(TREND_STYLES)
    for label, rows, is_total in lines:
        style = TOTAL_STYLE if is_total else next(styles)
        trace, x, hover = _line_trace(table, label, rows, style, 3 if is_total else 2)
        fig.add_trace(trace)
        gap_x += x
        gap_hover += hover
    if gap_x:
        fig.add_trace(_gap_trace(gap_x, gap_hover))
    fig.update_xaxes(title="Calendar year of death", type="category", categoryorder="array",
                     categoryarray=order)
    fig.update_yaxes(title=table.unit, rangemode="tozero")
    return _finish(fig, table, height=460)


def _small_multiples(table: MeasureTable, lines: list, order: list) -> go.Figure:
    """A panel per group, each with the total (if any) as a grey dotted reference line."""
    groups = [line for line in lines if not line[2]]
    total = next((line for line in lines if line[2]), None)
    columns = _PANEL_COLUMNS
    rows_n = math.ceil(len(groups) / columns)
    fig = make_subplots(rows=rows_n, cols=columns, shared_xaxes="all", shared_yaxes="all",
                        subplot_titles=[label for label, _, _ in groups],
                        vertical_spacing=min(0.08, 0.5 / rows_n), horizontal_spacing=0.04)
    traces, panel_rows, panel_cols = [], [], []  # added at once: per trace is quadratic

    def add(trace, index: int) -> None:
        traces.append(trace)
        panel_rows.append(index // columns + 1)
        panel_cols.append(index % columns + 1)

    for index, (label, rows, _) in enumerate(groups):
        gap_x, gap_hover = [], []
        if total is not None:
            trace, x, hover = _line_trace(table, total[0], total[1], PANEL_TOTAL_STYLE, 1.5,
                                          showlegend=index == 0, legendgroup="total")
            add(trace, index)
            gap_x += x
            gap_hover += hover
        trace, x, hover = _line_trace(table, label, rows, PANEL_STYLE, 2, showlegend=False)
        add(trace, index)
        gap_x += x
        gap_hover += hover
        if gap_x:
            add(_gap_trace(gap_x, gap_hover, showlegend=False), index)
    fig.add_traces(traces, rows=panel_rows, cols=panel_cols)
    for annotation in fig.layout.annotations:  # the panel titles
        annotation.font = dict(_SMALL_FONT)
    fig.update_xaxes(type="category", categoryorder="array", categoryarray=order)
    fig.update_xaxes(title="Calendar year of death", row=rows_n)
    fig.update_yaxes(rangemode="tozero")
    fig.update_yaxes(title=table.unit, col=1, title_font=dict(_SMALL_FONT))
    what = "one group (blue line)" + (" with everyone (grey dotted line)" if total else "")
    title = f"{table.title}<br><span style='font-size:13px'>Each panel shows {what}</span>"
    fig = _finish(fig, table, height=140 + 190 * rows_n, title=title)
    fig.update_layout(margin={"t": 100})
    return fig
