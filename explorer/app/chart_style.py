"""The looks and words every chart shares, and the layout that finishes a figure.

Readable by everyone (WCAG 2.2 AA, issue 17): text colours (``TEXT``, ``MARKER_TEXT``) with at
least 4.5:1 contrast on the white background, line and marker colours (``COLOURS``) with at least
3:1; the fonts, the plain words of legends and hover text, ``COMPARISON_STYLE`` (colour and
shape of each comparison), ``CHART_CONFIG`` for ``st.plotly_chart``, readable log-axis ticks for
ratios (``ratio_ticks``) and ``_finish``, the title, caption and layout of every figure.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from explorer.tables.measure_table import MeasureTable

# Okabe and Ito (2008), colour-blind safe. Orange, sky blue and yellow have less than 3:1
# contrast on white (WCAG 2.2 SC 1.4.11), so charts draw with ``COLOURS`` below instead.
OKABE_ITO = {
    "black": "#000000", "orange": "#E69F00", "sky_blue": "#56B4E9", "bluish_green": "#009E73",
    "yellow": "#F0E442", "blue": "#0072B2", "vermillion": "#D55E00", "reddish_purple": "#CC79A7",
}
BACKGROUND = "#FFFFFF"
TEXT = "#000000"
"""Every chart text (titles, ticks, legend, annotations) is black on white: 21:1."""
MARKER_TEXT = "#A63D00"
"""Marker labels such as '[c] hidden': a dark vermillion, 6.4:1 on white."""
COLOURS = {
    "black": "#000000",            # 21:1
    "blue": "#0072B2",             # Okabe-Ito blue, 5.2:1
    "vermillion": "#D55E00",       # Okabe-Ito vermillion, 3.9:1
    "bluish_green": "#009E73",     # Okabe-Ito bluish green, 3.4:1
    "reddish_purple": "#B8578F",   # Okabe-Ito reddish purple darkened, 4.4:1
    "dark_orange": "#8F6A00",      # Okabe-Ito orange darkened, 5.0:1
    "wine": "#882255",             # Tol's wine, 8.7:1
    "grey": "#6A6A6A",             # 5.4:1
    "light_grey": "#767676",       # 4.5:1 (open markers: not compared; gaps)
}
"""Line and marker colours, each with at least 3:1 contrast against white."""
CHART_CONFIG = {"displayModeBar": False, "displaylogo": False, "scrollZoom": False,
                "doubleClick": False, "showTips": False, "responsive": True}
"""Pass to ``st.plotly_chart(fig, theme=None, config=CHART_CONFIG)``: no plotly toolbar, so a
chart adds no tab stops (issue 17); no scroll zoom to trap the page's scrolling."""
# A light, single-hue (colour-blind safe) scale: black cell text has at least 6:1 contrast on
# its darkest colour, so every cell's text is readable whatever its value.
HEATMAP_COLOURSCALE = [[0.0, "#F7FBFF"], [0.5, "#C6DBEF"], [1.0, "#4292C6"]]
HEATMAP_TEXT = TEXT
TOTAL_LABEL = "Total"
EVERYONE = "Everyone (total)"
SUBTOTALS = "Groups combined (subtotals)"
EACH_GROUP = "Each group"
NOT_COMPARED = "Not compared"
MARKER_WORDS = {"[c]": "hidden", "[x]": "not available", "[z]": "not applicable",
                "[u]": "low reliability"}
COMPARISON_WORDS = {"higher": "Higher than {b}", "similar": "Similar to {b}",
                    "lower": "Lower than {b}", "benchmark": "{b} (the group others are compared with)"}
TOTAL_BENCHMARK = "Everyone (total), which others are compared with"
COMPARISON_MARKS = {"higher": "▲", "lower": "▼"}
_FONT = {"color": TEXT, "size": 13}
_SMALL_FONT = {"color": TEXT, "size": 12}
_MARKER_FONT = {"color": MARKER_TEXT, "size": 12}

COMPARISON_STYLE = {  # colour, symbol: shape repeats what colour says
    "higher": (COLOURS["vermillion"], "triangle-up"),
    "similar": (COLOURS["grey"], "circle"),
    "lower": (COLOURS["blue"], "triangle-down"),
    "benchmark": (COLOURS["black"], "diamond"),
    "": (COLOURS["light_grey"], "circle-open"),
}


# --- layout shared by every chart -------------------------------------------------------------

def _axis_style() -> dict:
    return {"tickfont": dict(_SMALL_FONT), "title_font": dict(_FONT), "color": TEXT,
            "linecolor": COLOURS["grey"], "gridcolor": "#E5E5E5", "zerolinecolor": "#BDBDBD"}


def _finish(fig: go.Figure, table: MeasureTable, height: int, title: str | None = None) -> go.Figure:
    """Title, caption (marker legend) and layout shared by every chart. The trace legend sits
    at the right, the caption below the axis title, so neither overlaps the plot. Fonts,
    colours and backgrounds are all set here, so the figure does not depend on a theme."""
    top, bottom = 70, 110 if table.legend else 60
    fig.update_layout(
        title={"text": title or table.title, "x": 0, "xanchor": "left",
               "font": {"color": TEXT, "size": 16}},
        template="plotly_white", height=height,
        margin={"l": 10, "r": 20, "t": top, "b": bottom},
        legend={"x": 1.02, "xanchor": "left", "y": 1, "yanchor": "top", "font": dict(_SMALL_FONT),
                "bgcolor": BACKGROUND},
        font=dict(_FONT), paper_bgcolor=BACKGROUND, plot_bgcolor=BACKGROUND,
        hoverlabel={"bgcolor": BACKGROUND, "bordercolor": TEXT, "font": {"color": TEXT, "size": 13}})
    fig.update_xaxes(**_axis_style())
    fig.update_yaxes(**_axis_style())
    if table.legend:
        plot_height = max(height - top - bottom, 1)
        fig.add_annotation(text=table.legend, name="legend", showarrow=False, xref="paper",
                           yref="paper", x=0, y=-65 / plot_height, xanchor="left",
                           yanchor="top", font=dict(_SMALL_FONT))
    return fig


# --- log ticks for ratios ---------------------------------------------------------------------

_TICK_LADDERS = (
    (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1, 1.25, 1.5, 1.75, 2, 2.5, 3, 4, 5, 6, 8, 10),
    (0.1, 0.25, 0.5, 0.75, 1, 1.5, 2, 3, 4, 6, 8, 10),
    (0.0625, 0.125, 0.25, 0.5, 1, 2, 4, 8, 16),
    (0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000),
    tuple(10.0 ** k for k in range(-6, 7)),
)


def _tick_text(value: float) -> str:
    return f"{value:g}"


def ratio_ticks(low: float, high: float, most: int = 7) -> tuple[list[float], list[str]]:
    """Readable tick values and labels for a log ratio axis covering ``low`` to ``high`` (1 is
    always included): the finest ladder of round values (0.5, 0.6 ... 1 ... 2; then 0.25, 0.5,
    0.75, 1, 1.5, 2; powers of two; 1-2-5; decades) that brackets the range in at most
    ``most`` ticks. Plotly's own log ticks label 0.5-0.9 as '5 6 7 8 9' (issue 17)."""
    low, high = min(low, 1.0), max(high, 1.0)
    for ladder in _TICK_LADDERS:
        below = [v for v in ladder if v <= low * (1 + 1e-9)]
        above = [v for v in ladder if v >= high * (1 - 1e-9)]
        if not below or not above:
            continue
        ticks = [v for v in ladder if below[-1] <= v <= above[0]]
        if len(ticks) == 1:  # low == high == 1: one step either side
            i = ladder.index(ticks[0])
            ticks = list(ladder[max(i - 1, 0):i + 2])
        if len(ticks) <= most:
            return [float(v) for v in ticks], [_tick_text(v) for v in ticks]
    ticks = [v for v in _TICK_LADDERS[-1] if low / 10 <= v <= high * 10]
    return [float(v) for v in ticks], [_tick_text(v) for v in ticks]


def _ratio_axis(frame: pd.DataFrame) -> dict:
    """Log x-axis settings for a ratio chart: explicit ticks and a range bracketing the values
    and their intervals."""
    numbers = frame[["value", "lower", "upper"]].to_numpy(float).ravel()
    numbers = numbers[np.isfinite(numbers) & (numbers > 0)]
    low, high = (float(numbers.min()), float(numbers.max())) if len(numbers) else (1.0, 1.0)
    values, text = ratio_ticks(low, high)
    pad = 0.04 * max(math.log10(values[-1] / values[0]), 0.1)
    return {"type": "log", "tickmode": "array", "tickvals": values, "ticktext": text,
            "range": [math.log10(values[0]) - pad, math.log10(values[-1]) + pad]}
