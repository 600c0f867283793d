"""Charts meet WCAG 2.2 AA contrast (issue 17): every text colour at least 4.5:1 against the
plot and paper background (SC 1.4.3), every line, marker and error-bar colour at least 3:1 (SC
1.4.11), heatmap cell text readable on its own cell's colour; marker labels at 12 px or more;
no toolbar (no tab stops); readable log ticks on ratio charts; no two trend lines alike.

The figures are walked as JSON (what plotly.js receives), so a colour the figure leaves to a
theme is a failure: the page draws with ``theme=None``.
"""

from __future__ import annotations

import re

import pytest

from explorer.app import charts
from explorer.tables import build_table
from explorer.tables.measure_table import restore_published
from explorer.tables.request import trend_request, validate_request

from test_charts import figure_json

pytestmark = pytest.mark.sql

TEXT_MINIMUM, GRAPHIC_MINIMUM = 4.5, 3.0


# --- WCAG 2.x contrast ------------------------------------------------------------------------

def _rgb(colour: str) -> tuple[float, float, float]:
    """'#RRGGBB', '#RGB' or 'rgb(a)(r, g, b[, a])' -> (r, g, b) in 0-255. Anything else (a
    colour name, or a transparent colour) fails: the charts must spell their colours."""
    text = str(colour).strip().lower()
    if re.fullmatch(r"#[0-9a-f]{6}", text):
        return tuple(int(text[i:i + 2], 16) for i in (1, 3, 5))
    if re.fullmatch(r"#[0-9a-f]{3}", text):
        return tuple(int(c * 2, 16) for c in text[1:])
    match = re.fullmatch(r"rgba?\(\s*([\d.]+)\s*,\s*([\d.]+)\s*,\s*([\d.]+)\s*(?:,\s*([\d.]+)\s*)?\)", text)
    if match and (match.group(4) is None or float(match.group(4)) == 1):
        return tuple(float(match.group(i)) for i in (1, 2, 3))
    raise AssertionError(f"colour {colour!r} is not an opaque hex or rgb colour")


def relative_luminance(colour: str) -> float:
    """WCAG 2.x relative luminance: sRGB channels linearised (c/12.92 up to 0.04045, else
    ((c + 0.055) / 1.055) ** 2.4), weighted 0.2126 R + 0.7152 G + 0.0722 B."""
    def linear(channel: float) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in _rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(first: str, second: str) -> float:
    """WCAG 2.x contrast ratio (L1 + 0.05) / (L2 + 0.05), L1 the lighter."""
    high, low = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("foreground, background, expected", [
    ("#767676", "#FFFFFF", 4.54),  # the lightest grey that passes AA on white (WebAIM)
    ("#777777", "#FFFFFF", 4.48),  # ... and the one that fails
    ("#000000", "#FFFFFF", 21.0), ("#FFFFFF", "#FFFFFF", 1.0), ("#FFF", "#000", 21.0),
    ("#595959", "#FFFFFF", 7.0),
    ("#E69F00", "#FFFFFF", 2.25),  # Okabe-Ito orange: issue 17's failing trend line
    ("rgb(0, 114, 178)", "#FFFFFF", 5.19),
])
def test_contrast_matches_known_pairs(foreground, background, expected):
    assert contrast(foreground, background) == pytest.approx(expected, abs=0.005)
    assert contrast(background, foreground) == contrast(foreground, background)


# --- walking a figure -------------------------------------------------------------------------

def _colours(value) -> list[str]:
    """A colour property: one colour or a list of them (None: not set)."""
    if value is None:
        return []
    return [c for c in (value if isinstance(value, list) else [value]) if c is not None]


def _font_colour(owner: dict | None, where: str, texts: list) -> None:
    """Record the font colour of ``owner`` (required: a missing one would come from a theme)."""
    font = (owner or {}).get("font") or {}
    assert font.get("color"), f"{where}: no font colour set"
    texts.append((where, font["color"], font.get("size")))


def walk(content: dict) -> tuple[list, list, list[str]]:
    """(texts, graphics, backgrounds) of a figure's JSON: texts (where, colour, size), graphics
    (where, colour), and the plot and paper background colours."""
    layout = content["layout"]
    backgrounds = [layout.get("plot_bgcolor"), layout.get("paper_bgcolor")]
    assert all(backgrounds), "the figure must set its own plot and paper background"
    texts, graphics = [], []
    _font_colour(layout, "layout.font", texts)
    _font_colour(layout.get("title"), "title", texts)
    _font_colour(layout.get("legend"), "legend", texts)
    for name, axis in layout.items():
        if re.fullmatch(r"[xy]axis\d*", name):
            tick = axis.get("tickfont") or {}
            assert tick.get("color"), f"{name}: no tick font colour"
            texts.append((f"{name}.tickfont", tick["color"], tick.get("size")))
            if (axis.get("title") or {}).get("text"):
                _font_colour(axis["title"], f"{name}.title", texts)
    for k, annotation in enumerate(layout.get("annotations") or []):
        _font_colour(annotation, f"annotation {k} {annotation.get('text')!r}", texts)
    for k, shape in enumerate(layout.get("shapes") or []):
        graphics += [(f"shape {k}", c) for c in _colours((shape.get("line") or {}).get("color"))]
    for k, trace in enumerate(content["data"]):
        where = f"trace {k} {trace.get('name')!r}"
        if trace.get("text") is not None and trace.get("type") != "heatmap":
            texts += [(f"{where}.textfont", c, (trace.get("textfont") or {}).get("size"))
                      for c in _colours((trace.get("textfont") or {}).get("color"))]
            assert (trace.get("textfont") or {}).get("color"), f"{where}: no text colour"
        marker = trace.get("marker") or {}
        graphics += [(f"{where}.marker", c) for c in _colours(marker.get("color"))]
        graphics += [(f"{where}.marker.line", c)
                     for c in _colours((marker.get("line") or {}).get("color"))]
        graphics += [(f"{where}.line", c) for c in _colours((trace.get("line") or {}).get("color"))]
        for error in ("error_x", "error_y"):
            graphics += [(f"{where}.{error}", c)
                         for c in _colours((trace.get(error) or {}).get("color"))]
        colorbar = trace.get("colorbar")
        if colorbar:
            texts.append((f"{where}.colorbar.tickfont", colorbar["tickfont"]["color"], None))
            _font_colour(colorbar.get("title"), f"{where}.colorbar.title", texts)
    if layout.get("hoverlabel"):
        hover = layout["hoverlabel"]
        assert contrast(hover["font"]["color"], hover["bgcolor"]) >= TEXT_MINIMUM
    return texts, graphics, backgrounds


def assert_readable(fig) -> dict:
    content = figure_json(fig)
    texts, graphics, backgrounds = walk(content)
    assert texts and (graphics or content["data"][0]["type"] == "heatmap")
    for where, colour, size in texts:
        for background in backgrounds:
            assert contrast(colour, background) >= TEXT_MINIMUM, (where, colour, background)
    for where, colour in graphics:
        for background in backgrounds:
            assert contrast(colour, background) >= GRAPHIC_MINIMUM, (where, colour, background)
    for annotation in content["layout"].get("annotations") or []:
        if annotation.get("name") == "gap":  # marker labels such as "[c] hidden"
            assert annotation["font"]["size"] >= 12, annotation
    for trace in content["data"]:
        if trace.get("textfont"):
            assert trace["textfont"]["size"] >= 12, trace.get("name")
    return content


def _interpolate(scale: list, t: float) -> str:
    """The colour of a plotly colourscale at ``t`` in [0, 1] (linear in RGB, as plotly.js)."""
    for (t0, c0), (t1, c1) in zip(scale, scale[1:]):
        if t0 <= t <= t1:
            f = 0 if t1 == t0 else (t - t0) / (t1 - t0)
            rgb = [a + (b - a) * f for a, b in zip(_rgb(c0), _rgb(c1))]
            return "#" + "".join(f"{round(v):02x}" for v in rgb)
    raise AssertionError(f"{t} is outside the colourscale")


# --- the figures ------------------------------------------------------------------------------

def _table(catalog, database, **request):
    return build_table(validate_request(catalog, **request), catalog, database)


@pytest.fixture(scope="module")
def tables(census_catalog, database):
    def make(**request):
        return _table(census_catalog, database, outcome="suicide", **request)

    return {
        "one-way rate": make(measure="asmr", by=["ethnicity_detailed"]),
        "one-way rate, total benchmark": make(measure="asmr", by=["region"], benchmark="total"),
        "count": make(measure="count", by=["ethnicity_detailed"]),
        "rate ratio": make(measure="rate_ratio", by=["ethnicity_detailed"]),
        "index": make(measure="sii", by=["deprivation_quintile"]),
        "heatmap": make(measure="crude_rate", by=["sex", "age_group"]),
        "trend, many lines": build_table(trend_request(validate_request(
            census_catalog, outcome="suicide", measure="asmr", by=["ethnicity_detailed"])),
            census_catalog, database),
        "trend, few lines": build_table(trend_request(validate_request(
            census_catalog, outcome="suicide", measure="asmr", by=["deprivation_quintile"])),
            census_catalog, database),
    }


@pytest.mark.parametrize("name", ["one-way rate", "one-way rate, total benchmark", "count",
                                  "rate ratio", "index", "heatmap", "trend, many lines",
                                  "trend, few lines"])
def test_every_chart_colour_meets_wcag_aa(tables, name):
    assert_readable(charts.chart_for(tables[name]))


def test_the_comparison_chart_meets_wcag_aa(tables):
    assert_readable(charts.comparison_chart(tables["heatmap"]))


def test_marker_labels_are_large_and_dark_enough(tables):
    content = assert_readable(charts.chart_for(tables["one-way rate"]))
    gaps = [a for a in content["layout"]["annotations"] if a.get("name") == "gap"]
    assert any(a["text"] == "[c] hidden" for a in gaps)
    for gap in gaps:
        assert gap["font"]["size"] >= 12 and contrast(gap["font"]["color"], "#FFFFFF") >= 4.5


def test_heatmap_cell_text_is_readable_on_its_cell(tables):
    content = assert_readable(charts.chart_for(tables["heatmap"]))
    (trace,) = content["data"]
    text_colour = trace["textfont"]["color"]
    scale = trace["colorscale"]
    values = [v for row in trace["z"] for v in row if v is not None and v == v]
    low, high = min(values), max(values)
    checked = 0
    for row_z, row_text in zip(trace["z"], trace["text"]):
        for z, text in zip(row_z, row_text):
            if not text:
                continue
            cell = content["layout"]["plot_bgcolor"] if z is None or z != z else \
                _interpolate(scale, (z - low) / (high - low))
            assert contrast(text_colour, cell) >= TEXT_MINIMUM, (text, cell)
            checked += 1
    assert checked == sum(1 for row in trace["text"] for t in row if t) > 10
    for _, colour in scale:  # every colour of the scale, not only those drawn here
        assert contrast(text_colour, colour) >= TEXT_MINIMUM


def test_no_toolbar_so_no_tab_stops():
    assert charts.CHART_CONFIG["displayModeBar"] is False
    assert charts.CHART_CONFIG["displaylogo"] is False


# --- log ticks --------------------------------------------------------------------------------

@pytest.mark.parametrize("low, high, expected", [
    (0.5, 0.9, ["0.5", "0.6", "0.7", "0.8", "0.9", "1"]),
    (0.9, 1.4, ["0.9", "1", "1.25", "1.5"]),
    (0.3, 3.2, ["0.25", "0.5", "1", "2", "4"]),
    (1.0, 1.0, ["0.9", "1", "1.25"]),
    (0.05, 12, ["0.01", "0.1", "1", "10", "100"]),
])
def test_ratio_ticks_are_round_numbers_bracketing_the_range(low, high, expected):
    values, text = charts.ratio_ticks(low, high)
    assert text == expected
    assert [float(t) for t in text] == values
    assert values[0] <= min(low, 1) and values[-1] >= max(high, 1)


def test_a_rate_ratio_axis_labels_its_ticks_in_full(tables):
    """A rate-ratio figure whose values span 0.5 to 0.9 is labelled 0.5 ... 1 (plotly's own log
    ticks would read '5 6 7 8 9'). The table is the published-file view of a real rate-ratio
    table with its values scaled into that range (restore_published checks it like any table)."""
    table = tables["rate ratio"]
    frame = table.frame.copy()
    shown = frame["value"].notna()
    numbers = ["value", "lower", "upper"]
    values = frame.loc[shown, "value"]
    scaled = 0.5 + 0.4 * (values - values.min()) / (values.max() - values.min())
    factor = scaled / values
    for column in numbers:
        frame.loc[shown, column] = frame.loc[shown, column] * factor
    frame.loc[shown, "lower"] = frame.loc[shown, "value"].clip(lower=0.5)
    frame.loc[shown, "upper"] = frame.loc[shown, "value"].clip(upper=0.9)
    frame = frame.drop(columns=["rule", "comparison"])
    view = restore_published(table.request, frame, table.row_flags, title=table.title,
                             unit=table.unit, method=table.method, policy=table.policy,
                             legend=table.legend, notes=table.notes)
    axis = figure_json(charts.chart_for(view))["layout"]["xaxis"]
    assert axis["type"] == "log" and axis["tickmode"] == "array"
    assert axis["ticktext"] == ["0.5", "0.6", "0.7", "0.8", "0.9", "1"]
    assert axis["tickvals"] == [0.5, 0.6, 0.7, 0.8, 0.9, 1.0]
    low, high = axis["range"]
    assert 10 ** low <= 0.5 and 10 ** high >= 1


# --- trend lines ------------------------------------------------------------------------------

def _look(trace: dict) -> tuple:
    return ((trace.get("line") or {}).get("color") or (trace.get("marker") or {}).get("color"),
            (trace.get("line") or {}).get("dash"), (trace.get("marker") or {}).get("symbol"))


def test_twenty_trend_lines_never_look_alike(tables):
    """More than six groups: a panel per group (titled with its label), each with the total as
    a grey dotted line; in no panel do two traces share colour, dash and symbol, and each
    group is drawn once, in its own panel."""
    table = tables["trend, many lines"]
    content = assert_readable(charts.chart_for(table))
    lines = [t for t in content["data"] if t["mode"] == "lines+markers"]
    groups = [t for t in lines if t["name"] != charts.EVERYONE]
    assert len(groups) >= 20
    panels: dict[tuple, list] = {}
    for trace in content["data"]:
        panels.setdefault((trace.get("xaxis", "x"), trace.get("yaxis", "y")), []).append(trace)
    assert len(panels) == len(groups)
    for traces in panels.values():
        looks = [_look(t) for t in traces]
        assert len(looks) == len(set(looks)), looks
        names = [t["name"] for t in traces if t["mode"] == "lines+markers"]
        assert len(names) == 2 and charts.EVERYONE in names  # the group and the total
    titles = [a["text"] for a in content["layout"]["annotations"]]
    assert sorted(t["name"] for t in groups) == sorted(
        t for t in titles if t in {g["name"] for g in groups})
    total = [t for t in lines if t["name"] == charts.EVERYONE]
    assert {_look(t) for t in total} == {charts.PANEL_TOTAL_STYLE}


def test_few_trend_lines_each_have_their_own_colour_dash_and_symbol(tables):
    content = assert_readable(charts.chart_for(tables["trend, few lines"]))
    lines = [t for t in content["data"] if t["mode"] == "lines+markers"]
    assert 3 <= len(lines) <= 7
    looks = [_look(t) for t in lines]
    for part in range(3):  # colour, dash and symbol each differ between every two lines
        assert len({look[part] for look in looks}) == len(looks), looks


def test_the_check_catches_a_theme_colour_and_a_pale_line(tables):
    """The walk fails a figure that leaves its axis text to a theme or draws a pale line."""
    figure = charts.chart_for(tables["trend, few lines"])
    pale = type(figure)(figure)
    pale.data[0].line.color = charts.OKABE_ITO["orange"]  # 2.25:1, issue 17's trend line
    with pytest.raises(AssertionError, match="E69F00"):
        assert_readable(pale)
    themed = type(figure)(figure)
    themed.update_xaxes(tickfont_color=None)
    with pytest.raises(AssertionError, match="no tick font colour"):
        assert_readable(themed)
    grey = type(figure)(figure)
    grey.update_layout(title_font_color="#777777")
    with pytest.raises(AssertionError, match="777777"):
        assert_readable(grey)
