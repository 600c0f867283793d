"""Charts of two breakdowns: the heatmap (``two_way_chart``) and, for a second breakdown with a
few levels such as linked and unlinked records, dots with CIs per category (``comparison_chart``).
Margins are left out of both.
"""

from __future__ import annotations

import plotly.graph_objects as go

from explorer.app.chart_rows import (_hover, _missing, _number, _require, benchmark_name,
                                     comparisons, dimension_columns, margin_rows, marker_text)
from explorer.app.chart_style import (_MARKER_FONT, _SMALL_FONT, COLOURS, COMPARISON_MARKS,
                                      HEATMAP_COLOURSCALE, HEATMAP_TEXT, _finish)
from explorer.tables.measure_table import MeasureTable

# --- two breakdowns -------------------------------------------------------------------------

def two_way_chart(table: MeasureTable) -> go.Figure:
    """Heatmap of value: rows the first dimension, columns the second, margins left out. The
    light colour scale keeps the black cell text readable on every cell; a cell higher or lower
    than the benchmark carries an up or down triangle, spelt out in its hover text."""
    table = _require(table)
    dims = dimension_columns(table)
    if len(dims) != 2:
        raise ValueError(f"two_way_chart needs a table with two breakdowns; this one has {len(dims)}")
    first, second = dims
    keep = ~margin_rows(table)
    compared = [c for c, k in zip(comparisons(table), keep) if k]
    benchmark = benchmark_name(table)
    frame = table.frame[keep]
    rows = list(dict.fromkeys(frame[first].astype(str)))
    cols = list(dict.fromkeys(frame[second].astype(str)))
    z = [[None] * len(cols) for _ in rows]
    text = [[""] * len(cols) for _ in rows]
    hover = [[""] * len(cols) for _ in rows]
    for (_, row), comparison in zip(frame.iterrows(), compared):
        i, j = rows.index(str(row[first])), cols.index(str(row[second]))
        value = row["value"]
        z[i][j] = None if _missing(value) else float(value)
        mark = COMPARISON_MARKS.get(comparison, "")
        text[i][j] = row["marker"] if _missing(value) else \
            f"{_number(value)}{row['marker']}{' ' + mark if mark else ''}"
        hover[i][j] = _hover(table, row, f"{row[first]}, {row[second]}", comparison, benchmark)
    fig = go.Figure(go.Heatmap(z=z, x=cols, y=rows, text=text, texttemplate="%{text}",
                               textfont={"color": HEATMAP_TEXT, "size": 12},
                               hovertext=hover, hoverinfo="text", colorscale=HEATMAP_COLOURSCALE,
                               colorbar={"title": {"text": table.unit, "font": dict(_SMALL_FONT)},
                                         "tickfont": dict(_SMALL_FONT)},
                               xgap=1, ygap=1, hoverongaps=True, name=table.unit))
    fig.update_yaxes(type="category", autorange="reversed")
    fig.update_xaxes(type="category", tickangle=-30)
    if any(c in COMPARISON_MARKS for c in compared):
        fig.add_annotation(text=f"▲ higher than {benchmark}, ▼ lower than {benchmark}",
                           name="comparison_key", showarrow=False, xref="paper", yref="paper",
                           x=1, y=1, xanchor="right", yanchor="bottom", font=dict(_SMALL_FONT))
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
    colours = [COLOURS["blue"], COLOURS["vermillion"], COLOURS["bluish_green"]]
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
                           xanchor="left", font=dict(_MARKER_FONT))
    fig.update_yaxes(categoryorder="array", categoryarray=labels, autorange="reversed",
                     type="category", title=None)
    fig.update_xaxes(title=table.unit, rangemode="tozero")
    return _finish(fig, table, height=max(320, 140 + 30 * len(labels)))
