"""Plotly figures drawn from a protected ``MeasureTable`` and nothing else.

Every function takes a :class:`~explorer.tables.measure_table.MeasureTable` (anything else, such as a
DataFrame of raw counts, raises TypeError), so a chart can only show numbers that have passed
disclosure control. Hover text is built only from the frame's shown columns (value, lower,
upper, events, denominator, marker); hidden and not-calculated rows are kept on the category
axis and labelled with their GSS marker, so a gap is never silent. Which rows are totals,
subtotals or the reference category is read from the table's ``row_flags`` (made by the
measures step from the protected cells), never guessed from labels or looked up in the catalog.

Readable by everyone (WCAG 2.2 AA, issue 17): every text colour has at least 4.5:1 contrast
against the white background and every line and marker at least 3:1 (``TEXT``, ``COLOURS``);
figures set their own fonts, colours and white backgrounds, so the page draws them with
``st.plotly_chart(fig, theme=None, config=CHART_CONFIG)`` (no Streamlit theme, no toolbar and so
no extra tab stops). Colour never carries meaning alone: each comparison or line also has its
own marker shape or dash. The text alternative of a chart is
``explorer.app.chart_text.chart_summary(table)``.

- ``group_chart``: one breakdown: dots with asymmetric 95% CIs (bars for counts), coloured and
  shaped by the table's ``comparison`` column when it has one (higher, similar, lower than the
  benchmark), the reference category and margins named in plain words; for rate ratios a
  forest plot with a line at 1 and readable log-axis ticks (``ratio_ticks``).
- ``two_way_chart``: two breakdowns: a heatmap without the margins on a light colour scale with
  dark cell text, hidden cells blank with their marker as cell text; the comparison is marked
  in the cell text (up and down triangles) and spelt out in the hover text.
- ``comparison_chart``: two breakdowns, the second with a few levels (linked and unlinked
  records): dots with CIs per category, a colour and shape per level.
- ``trend_chart``: a trend table (first breakdown x calendar year): up to six groups a line each
  (own colour, dash and marker), more than six as small multiples (a panel per group with the
  total as a grey dotted line); hidden years left as gaps and labelled with their marker.
- ``chart_for``: picks the right figure (SII/RII: one point with its CI).

The shared pieces live in their own modules, and every name is re-exported here so callers need
only ``explorer.app.charts``: looks, words and layout in ``chart_style``, what a chart reads from
the table in ``chart_rows``, the trend chart in ``trend_charts``, the two-breakdown charts in
``two_way_charts``.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

# Re-exported: every name below was defined here before the split and stays importable from here.
from explorer.app.chart_rows import (  # noqa: F401
    _COMPARISON, _comparison_line, _hover, _is_total, _missing, _number, _reference_label,
    _require, _total_rows, benchmark_name, category_labels, comparisons, dimension_columns,
    margin_rows, marker_text)
from explorer.app.chart_style import (  # noqa: F401
    _FONT, _MARKER_FONT, _SMALL_FONT, _TICK_LADDERS, BACKGROUND, CHART_CONFIG, COLOURS,
    COMPARISON_MARKS, COMPARISON_STYLE, COMPARISON_WORDS, EACH_GROUP, EVERYONE,
    HEATMAP_COLOURSCALE, HEATMAP_TEXT, MARKER_TEXT, MARKER_WORDS, NOT_COMPARED, OKABE_ITO,
    SUBTOTALS, TEXT, TOTAL_BENCHMARK, TOTAL_LABEL, _axis_style, _finish, _ratio_axis,
    _tick_text, ratio_ticks)
from explorer.app.trend_charts import (  # noqa: F401
    _MAX_LINES, _PANEL_COLUMNS, GAP_COLOUR, PANEL_STYLE, PANEL_TOTAL_STYLE, TOTAL_STYLE,
    TREND_STYLES, _gap_trace, _line_trace, _small_multiples, _trend_lines, trend_chart)
from explorer.app.two_way_charts import comparison_chart, two_way_chart
from explorer.tables.measure_table import MeasureTable
from explorer.tables.request import ORDERED_MEASURES, RATIO_MEASURES



# --- one breakdown --------------------------------------------------------------------------

_SHORT_LABEL = 30
"""A benchmark label up to this long is named in each legend entry; a longer one once."""


def _reference_name(label: str) -> str:
    """The legend name of the group others are compared with (a long label on its own line)."""
    words = COMPARISON_WORDS["benchmark"].format(b=label)
    return words if len(label) <= _SHORT_LABEL else words.replace(" (", "<br>(", 1)


def _group_traces(table: MeasureTable, labels: list[str], compared: list[str],
                  benchmark: str, counts: bool) -> list[tuple[str, np.ndarray, str, str]]:
    """(legend name, rows, colour, symbol) of each trace of a group chart, in legend order."""
    flags = table.row_flags
    margins = flags["is_margin"].to_numpy(dtype=bool)
    total = _total_rows(table)
    subtotal = margins & ~total
    is_reference = flags["is_reference"].to_numpy(dtype=bool)
    kind = np.array(compared, dtype=object)
    by_comparison = not counts and any(compared)
    traces = []
    if by_comparison:  # interior rows by comparison; margins keep theirs in the hover text
        benchmark_rows = kind == "benchmark"
        short = benchmark if len(benchmark) <= _SHORT_LABEL else "the reference group"
        for key in ("higher", "similar", "lower"):
            colour, symbol = COMPARISON_STYLE[key]
            traces.append((COMPARISON_WORDS[key].format(b=short), (kind == key) & ~margins,
                           colour, symbol))
        colour, symbol = COMPARISON_STYLE["benchmark"]
        name = TOTAL_BENCHMARK if benchmark == "the total" else _reference_name(benchmark)
        traces.append((name, benchmark_rows, colour, symbol))
        colour, symbol = COMPARISON_STYLE[""]
        traces.append((NOT_COMPARED, (kind == "") & ~margins & ~benchmark_rows, colour, symbol))
        traces.append((EVERYONE, total & ~benchmark_rows, COLOURS["black"], "square"))
        traces.append((SUBTOTALS, subtotal & ~benchmark_rows, COLOURS["black"], "square-open"))
    else:
        reference = _reference_label(table, labels)
        traces.append((EACH_GROUP, ~margins & ~is_reference, COLOURS["blue"], "circle"))
        traces.append((_reference_name(reference or ""), is_reference, COLOURS["vermillion"],
                       "diamond"))
        traces.append((EVERYONE, total, COLOURS["black"], "square"))
        traces.append((SUBTOTALS, subtotal, COLOURS["grey"] if counts else COLOURS["black"],
                       "square-open"))
    return [trace for trace in traces if trace[1].any()]


def group_chart(table: MeasureTable) -> go.Figure:
    """Values by category (frame order), with CIs, comparison, reference and margins marked in
    words, colour and shape, gaps labelled."""
    table = _require(table)
    frame, flags = table.frame, table.row_flags
    labels = category_labels(table)
    dims = dimension_columns(table)
    counts = table.request.measure == "count"
    ratio = table.request.measure in RATIO_MEASURES
    compared = comparisons(table)
    benchmark = benchmark_name(table)
    hover = [_hover(table, row, label, c, benchmark)
             for (_, row), label, c in zip(frame.iterrows(), labels, compared)]
    fig = go.Figure()
    for name, rows, colour, symbol in _group_traces(table, labels, compared, benchmark, counts):
        part = frame[rows]
        value = part["value"].to_numpy(float)
        y = [label for label, keep in zip(labels, rows) if keep]
        text = [m if m and not _missing(v) else "" for m, v in zip(part["marker"], value)]
        hovertext = [h for h, keep in zip(hover, rows) if keep]
        if counts:
            fig.add_trace(go.Bar(x=value, y=y, orientation="h", name=name,
                                 marker={"color": colour, "line": {"color": colour, "width": 1.5}},
                                 text=text, textposition="outside", textfont=dict(_MARKER_FONT),
                                 hovertext=hovertext, hoverinfo="text", cliponaxis=False))
            continue
        error = {"type": "data", "symmetric": False, "color": colour, "thickness": 1.5,
                 "array": part["upper"].to_numpy(float) - value,
                 "arrayminus": value - part["lower"].to_numpy(float)}
        fig.add_trace(go.Scatter(x=value, y=y, mode="markers+text", name=name, error_x=error,
                                 marker={"color": colour, "symbol": symbol, "size": 11,
                                         "line": {"color": colour, "width": 2}},
                                 text=text, textposition="middle right",
                                 textfont=dict(_MARKER_FONT),
                                 hovertext=hovertext, hoverinfo="text"))
    gaps = [{"text": marker_text(row["marker"]), "name": "gap", "x": 0, "xref": "paper",
             "xanchor": "left", "y": label, "yref": "y", "showarrow": False,
             "font": dict(_MARKER_FONT), "bgcolor": BACKGROUND}
            for label, (_, row) in zip(labels, frame.iterrows()) if _missing(row["value"])]
    if ratio:
        # On a log axis annotations take log10 positions (shapes take data values): log10(1) = 0.
        fig.add_vline(x=1, line_dash="dash", line_color=COLOURS["black"])
        gaps.append({"text": "1 = no difference", "name": "no_difference", "x": 0, "xref": "x",
                     "y": 1, "yref": "paper", "yanchor": "bottom", "showarrow": False,
                     "font": dict(_SMALL_FONT)})
    elif len(dims) == 1 and not counts:
        total = np.flatnonzero(_is_total(flags, dims[0]))
        if len(total) and not _missing(frame["value"].iat[total[0]]):
            fig.add_vline(x=float(frame["value"].iat[total[0]]), line_dash="dot",
                          line_color=COLOURS["black"], annotation_text=TOTAL_LABEL,
                          annotation_position="top", annotation_font=dict(_SMALL_FONT))
    # One layout update: add_annotation per row is quadratic in plotly.
    fig.update_layout(annotations=list(fig.layout.annotations) + gaps)
    fig.update_yaxes(categoryorder="array", categoryarray=labels, autorange="reversed",
                     type="category", title=None)
    if ratio:
        fig.update_xaxes(title=table.unit, **_ratio_axis(frame))
    else:
        fig.update_xaxes(title=table.unit, type="linear", rangemode="tozero")
    return _finish(fig, table, height=max(320, 140 + 26 * len(labels)))



# --- indices and the chooser ----------------------------------------------------------------

def index_chart(table: MeasureTable) -> go.Figure:
    """A single summary (SII or RII): one point with its CI, and a line at no inequality."""
    table = _require(table)
    row = table.frame.iloc[0]
    label = table.request.measure.upper()
    value = float(row["value"])
    fig = go.Figure(go.Scatter(
        x=[value], y=[label], mode="markers", name=label, hovertext=[_hover(table, row, label)],
        hoverinfo="text", marker={"color": COLOURS["blue"], "size": 12},
        error_x={"type": "data", "symmetric": False, "array": [float(row["upper"]) - value],
                 "arrayminus": [value - float(row["lower"])], "color": COLOURS["blue"]}))
    if _missing(row["value"]):
        fig.add_annotation(text=marker_text(row["marker"]), name="gap", x=0, xref="paper",
                           xanchor="left", y=label, yref="y", showarrow=False,
                           font=dict(_MARKER_FONT))
    fig.add_vline(x=1 if table.request.measure == "rii" else 0, line_dash="dash",
                  line_color=COLOURS["black"], annotation_text="no inequality",
                  annotation_font=dict(_SMALL_FONT))
    fig.update_yaxes(type="category", title=None)
    fig.update_xaxes(title=table.unit)
    return _finish(fig, table, height=300)


def chart_for(table: MeasureTable) -> go.Figure:
    """The figure that suits the table: index, heatmap (two breakdowns) or group chart. A
    table with nothing to draw is still drawn (every row labelled with its marker) and nothing
    is raised: whether to show a chart at all is the page's choice
    (explorer.tables.alternatives.nothing_to_draw)."""
    table = _require(table)
    if "year" in table.request.by:
        return trend_chart(table)
    if table.request.measure in ORDERED_MEASURES:
        return index_chart(table)
    if len(dimension_columns(table)) == 2:
        return two_way_chart(table)
    return group_chart(table)


__all__ = ["BACKGROUND", "CHART_CONFIG", "COLOURS", "HEATMAP_COLOURSCALE", "MARKER_TEXT",
           "OKABE_ITO", "TEXT", "benchmark_name", "category_labels", "chart_for",
           "comparison_chart", "comparisons", "dimension_columns", "group_chart", "index_chart",
           "margin_rows", "marker_text", "ratio_ticks", "trend_chart", "two_way_chart"]
