"""Draw a chart of a protected MeasureTable the one accessible way: plotly's own layout (not
Streamlit's theme, whose grey axis text fails WCAG AA contrast), no toolbar (its buttons would
add stops to the tab order), and a text alternative under it ("Chart: <title>. <summary>",
explorer.app.chart_text)."""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from explorer.app.chart_text import chart_summary
from explorer.app.charts import CHART_CONFIG
from explorer.tables.measure_table import MeasureTable


def show_chart(figure: go.Figure, table: MeasureTable, key: str, container=None) -> None:
    """``figure`` (drawn from ``table``) and its text alternative, in ``container`` or the page."""
    target = container if container is not None else st
    target.plotly_chart(figure, theme=None, config=CHART_CONFIG, key=key)
    target.caption(f"Chart: {chart_summary(table)}")


__all__ = ["show_chart"]
