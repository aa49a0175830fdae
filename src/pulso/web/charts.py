"""Plotly figures for the dashboard, built in Python and rendered by the bundled plotly.js.

Figures are plain plotly figure dictionaries (``{"data": [...], "layout": {...}}``) serialised
with :func:`plotly.io.to_json` without re-validating on each request (that costs ~8 ms per
figure); the unit tests validate every builder's output with ``plotly.graph_objects.Figure``.
Labels arrive already translated; colours per retailer come from :mod:`pulso.web.colors`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import plotly.io as pio

from pulso.web.colors import NEUTRAL

__all__ = [
    "Chart",
    "Series",
    "bar_chart",
    "heatmap_chart",
    "line_chart",
    "scatter_chart",
]

_FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"
_AXIS = {"gridcolor": "#e3e7eb", "zerolinecolor": "#c5ccd3", "automargin": True}
_TICK_FORMATS = {
    "money": {"tickprefix": "S/ ", "tickformat": ",.2f"},
    "pct": {"ticksuffix": " %", "tickformat": ",.1f"},
    "share": {"tickformat": ".0%"},
    "number": {"tickformat": ",.0f"},
    "index": {"tickformat": ",.0f"},
    "date": {"tickformat": "%d/%m/%Y"},
}


@dataclass(frozen=True, slots=True)
class Series:
    """One trace: ``x``/``y`` values, a name, a colour; ``lower``/``upper`` draw a band."""

    name: str
    x: Sequence[Any]
    y: Sequence[Any]
    color: str = NEUTRAL
    dash: str | None = None
    mode: str = "lines"
    text: Sequence[str] | None = None
    lower: Sequence[Any] | None = None
    upper: Sequence[Any] | None = None
    size: Sequence[float] | None = None
    hover: Sequence[str] | None = None
    symbols: Sequence[str] | None = None


@dataclass(frozen=True, slots=True)
class Chart:
    """A figure ready to embed: ``figure_json`` goes into a ``<script type="application/json">``."""

    id: str
    title: str
    figure: dict[str, Any] = field(repr=False)
    description: str | None = None

    @property
    def figure_json(self) -> str:
        text = str(pio.to_json(self.figure, validate=False))
        # Safe inside <script type="application/json">: no "</script>" can close it early.
        return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _layout(
    *, x_kind: str | None, y_kind: str | None, height: int, **extra: Any
) -> dict[str, Any]:
    layout: dict[str, Any] = {
        "font": {"family": _FONT, "size": 13, "color": "#1f2933"},
        "margin": {"l": 56, "r": 16, "t": 40, "b": 48},
        "height": height,
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "#ffffff",
        "separators": ".,",
        "hovermode": "closest",
        "legend": {"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0},
        "xaxis": {**_AXIS, **_TICK_FORMATS.get(x_kind or "", {})},
        "yaxis": {**_AXIS, **_TICK_FORMATS.get(y_kind or "", {})},
    }
    layout.update(extra)
    return layout


def _band(series: Series) -> list[dict[str, Any]]:
    if series.lower is None or series.upper is None:
        return []
    x = list(series.x)
    return [
        {
            "type": "scatter",
            "mode": "lines",
            "x": x + x[::-1],
            "y": list(series.upper) + list(series.lower)[::-1],
            "fill": "toself",
            "fillcolor": series.color,
            "opacity": 0.18,
            "line": {"width": 0},
            "hoverinfo": "skip",
            "showlegend": False,
            "name": series.name,
        }
    ]


def _trace(series: Series) -> dict[str, Any]:
    trace: dict[str, Any] = {
        "type": "scatter",
        "mode": series.mode,
        "name": series.name,
        "x": list(series.x),
        "y": list(series.y),
        "line": {
            "color": series.color,
            "width": 2,
            **({"dash": series.dash} if series.dash else {}),
        },
        "marker": {"color": series.color},
    }
    if series.text is not None:
        trace["text"] = list(series.text)
    if series.size is not None:
        trace["marker"]["size"] = list(series.size)
    if series.symbols is not None:
        trace["marker"]["symbol"] = list(series.symbols)
    if series.hover is not None:
        trace["hovertext"] = list(series.hover)
        trace["hoverinfo"] = "text+x+y"
    return trace


def line_chart(
    chart_id: str,
    title: str,
    series: Sequence[Series],
    *,
    y_kind: str = "number",
    x_kind: str | None = "date",
    y_title: str | None = None,
    height: int = 340,
    description: str | None = None,
) -> Chart:
    """Lines over time, one per series; a series with bounds also gets a shaded interval."""
    data = [trace for item in series for trace in (*_band(item), _trace(item))]
    layout = _layout(x_kind=x_kind, y_kind=y_kind, height=height)
    if y_title:
        layout["yaxis"]["title"] = {"text": y_title}
    return Chart(chart_id, title, {"data": data, "layout": layout}, description)


def scatter_chart(
    chart_id: str,
    title: str,
    series: Sequence[Series],
    *,
    x_title: str,
    y_title: str,
    x_kind: str | None = None,
    y_kind: str | None = None,
    height: int = 380,
    shapes: Sequence[dict[str, Any]] = (),
    description: str | None = None,
) -> Chart:
    """Points (``mode="markers"`` series), e.g. strategy clusters or the menu matrix."""
    data = [_trace(item) | {"mode": "markers+text" if item.text else "markers"} for item in series]
    for trace in data:
        trace["textposition"] = "top center"
        trace["marker"].setdefault("size", 10)
    layout = _layout(x_kind=x_kind, y_kind=y_kind, height=height, shapes=list(shapes))
    layout["xaxis"]["title"] = {"text": x_title}
    layout["yaxis"]["title"] = {"text": y_title}
    return Chart(chart_id, title, {"data": data, "layout": layout}, description)


def bar_chart(
    chart_id: str,
    title: str,
    series: Sequence[Series],
    *,
    horizontal: bool = False,
    value_kind: str = "number",
    barmode: str = "group",
    height: int = 340,
    description: str | None = None,
) -> Chart:
    """Grouped (or stacked) bars; ``horizontal`` puts categories on the y axis."""
    data = [
        {
            "type": "bar",
            "name": item.name,
            "x": list(item.y) if horizontal else list(item.x),
            "y": list(item.x) if horizontal else list(item.y),
            "orientation": "h" if horizontal else "v",
            "marker": {"color": item.color},
            **({"text": list(item.text), "textposition": "auto"} if item.text else {}),
        }
        for item in series
    ]
    value_axis, category_axis = ("xaxis", "yaxis") if horizontal else ("yaxis", "xaxis")
    layout = _layout(x_kind=None, y_kind=None, height=height, barmode=barmode)
    layout[value_axis].update(_TICK_FORMATS.get(value_kind, {}))
    layout[category_axis]["type"] = "category"
    if horizontal:
        layout["yaxis"]["autorange"] = "reversed"
        layout["margin"]["l"] = 140
    return Chart(chart_id, title, {"data": data, "layout": layout}, description)


def heatmap_chart(
    chart_id: str,
    title: str,
    *,
    x: Sequence[Any],
    y: Sequence[Any],
    z: Sequence[Sequence[float | None]],
    colorscale: str | list[list[Any]] = "RdBu",
    zmid: float | None = None,
    reverse: bool = False,
    value_kind: str = "number",
    hover: str = "%{y} · %{x}: %{z}<extra></extra>",
    height: int | None = None,
    description: str | None = None,
) -> Chart:
    """A grid coloured by value (price index by category x competitor, hour x weekday...)."""
    trace: dict[str, Any] = {
        "type": "heatmap",
        "x": list(x),
        "y": list(y),
        "z": [list(row) for row in z],
        "colorscale": colorscale,
        "reversescale": reverse,
        "hovertemplate": hover,
        "colorbar": {"thickness": 12, **_TICK_FORMATS.get(value_kind, {})},
        "xgap": 1,
        "ygap": 1,
    }
    if zmid is not None:
        trace["zmid"] = zmid
    rows = len(y)
    layout = _layout(x_kind=None, y_kind=None, height=height or max(260, 40 + 26 * rows))
    layout["xaxis"].update({"type": "category", "side": "bottom"})
    layout["yaxis"].update({"type": "category", "autorange": "reversed"})
    layout["margin"]["l"] = 140
    return Chart(chart_id, title, {"data": [trace], "layout": layout}, description)
