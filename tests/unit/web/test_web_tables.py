"""Sorting, paging, export and chart building of dashboard tables."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime

import pandas as pd
import plotly.graph_objects as go
import pytest
from openpyxl import load_workbook

from pulso.web.charts import Series, bar_chart, heatmap_chart, line_chart, scatter_chart
from pulso.web.colors import retailer_color, slugify
from pulso.web.export import export_table, neutralise
from pulso.web.filters import Filters, safe_next, url_with
from pulso.web.tables import Column, Table, rows_from, view_table

COLUMNS = (
    Column("name", "Product"),
    Column("price", "Price", "money"),
    Column("day", "Day", "date"),
)
ROWS: list[dict[str, object]] = [
    {"name": '=HYPERLINK("http://evil")', "price": 3.5, "day": date(2026, 11, 2)},
    {"name": "Inca Kola 1.5L", "price": None, "day": date(2026, 11, 1)},
    {"name": "arroz Costeño", "price": 4.2, "day": date(2026, 11, 3)},
    {"name": "-1+2", "price": -1.0, "day": None},
    {"name": "@SUM(A1)", "price": 9.9, "day": date(2026, 11, 4)},
]
TABLE = Table("products", "Products", COLUMNS, ROWS, default_sort="name", page_size=2)


def test_sorting_puts_empty_values_last_in_both_directions():
    ascending = view_table(TABLE, {"products_sort": "price", "products_page": "1"})
    assert [r["price"] for r in ascending.rows] == [-1.0, 3.5]
    descending = view_table(
        TABLE, {"products_sort": "price", "products_dir": "desc", "products_page": "3"}
    )
    assert descending.total == 5
    assert descending.pages == 3
    assert [r["price"] for r in descending.rows] == [None]


def test_text_sorts_ignore_case_and_bad_parameters_fall_back():
    view = view_table(TABLE, {"products_sort": "nope", "products_page": "x"})
    assert view.sort == "name"
    assert view.page == 1
    names = [
        r["name"] for page in (2, 3) for r in view_table(TABLE, {"products_page": str(page)}).rows
    ]
    assert names == ["@SUM(A1)", "arroz Costeño", "Inca Kola 1.5L"]
    assert view_table(TABLE, {"products_page": "99"}).page == 3


def test_view_urls_keep_the_filters_and_toggle_the_direction():
    view = view_table(TABLE, {"category": "Bebidas", "products_sort": "name"}, path="/prices")
    assert view.sort_url("name") == "/prices?category=Bebidas&products_dir=desc&products_sort=name"
    assert view.page_url(2).startswith("/prices?category=Bebidas")
    assert view.export_url("csv") == "/prices?category=Bebidas&export=csv&table=products"


def test_csv_export_neutralises_formulas_and_keeps_numbers():
    body = export_table(TABLE, "csv", gettext=lambda m: {"Product": "Producto"}.get(m, m))
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0] == ["Producto", "Price", "Day"]
    assert rows[1] == ['\'=HYPERLINK("http://evil")', "3.5", "2026-11-02"]
    assert rows[4] == ["'-1+2", "-1.0", ""]
    assert rows[5][0] == "'@SUM(A1)"
    assert len(rows) == 6  # every row, not one page


def test_xlsx_export_neutralises_formulas_and_types_cells():
    body = export_table(TABLE, "xlsx", gettext=str)
    sheet = load_workbook(io.BytesIO(body)).active
    assert sheet["A2"].value == '\'=HYPERLINK("http://evil")'
    assert sheet["A2"].data_type == "s"
    assert sheet["B2"].value == 3.5
    assert sheet["B2"].number_format == '"S/" #,##0.00'
    assert sheet["C2"].value.date() == date(2026, 11, 2)
    assert sheet.max_row == 6


def test_neutralise_leaves_safe_values_alone():
    assert neutralise("+51 999") == "'+51 999"
    assert neutralise("Leche Gloria") == "Leche Gloria"
    assert neutralise(-5) == -5


@dataclass
class _Record:
    name: str
    price: float


def test_rows_from_reads_frames_dataclasses_and_objects():
    frame = pd.DataFrame({"name": ["a"], "price": [float("nan")], "extra": [1]})
    assert rows_from(frame, ["name", "price"]) == [{"name": "a", "price": None}]
    assert rows_from([_Record("b", 2.0)], ["name", "price"]) == [{"name": "b", "price": 2.0}]


def test_filters_from_the_url_ignore_bad_values_and_order_dates():
    filters = Filters.from_params(
        {
            "date_from": "2026-11-10",
            "date_to": "2026-11-01",
            "restaurant": "x",
            "category": " Lácteos ",
        }
    )
    assert (filters.date_from, filters.date_to) == (date(2026, 11, 1), date(2026, 11, 10))
    assert filters.restaurant is None
    assert filters.category == "Lácteos"
    assert not Filters.from_params({"date_from": "31/02/2026"}).active


@pytest.mark.parametrize("target", ["//evil.example", "https://evil.example", "/\\evil", "", None])
def test_redirect_targets_stay_on_the_site(target):
    assert safe_next(target) == "/"
    assert safe_next("/prices?category=x") == "/prices?category=x"
    assert url_with("/a", {"b": "1"}, b=None, c="2") == "/a?c=2"


def test_retailers_keep_one_colour_everywhere():
    assert slugify("Plaza Vea") == "plaza-vea" == slugify("plaza_vea")
    assert retailer_color("Plaza Vea") == retailer_color("plaza-vea") == "#c8102e"
    assert retailer_color("Mass") != retailer_color("Tottus")
    assert retailer_color("Bodega Doña Rosa") == retailer_color("bodega dona rosa")


def test_every_chart_builder_makes_a_valid_plotly_figure():
    days = [datetime(2026, 11, d, tzinfo=UTC) for d in (1, 2, 3)]
    charts = [
        line_chart(
            "l",
            "t",
            [Series("Tottus", days, [1, 2, 3], lower=[0, 1, 2], upper=[2, 3, 4], dash="dash")],
            y_kind="money",
        ),
        bar_chart(
            "b",
            "t",
            [Series("Wong", ["a", "b"], [0.1, 0.2], text=["x", "y"])],
            horizontal=True,
            value_kind="share",
        ),
        heatmap_chart("h", "t", x=["Wong"], y=["Lácteos"], z=[[101.0]], zmid=100, reverse=True),
        scatter_chart(
            "s",
            "t",
            [
                Series(
                    "Metro",
                    [99.0],
                    [0.2],
                    mode="markers",
                    hover=["Metro"],
                    symbols=["diamond"],
                    size=[12.0],
                )
            ],
            x_title="x",
            y_title="y",
        ),
    ]
    for chart in charts:
        go.Figure(chart.figure)  # raises on any property plotly does not know
        assert json.loads(chart.figure_json)["data"]


def test_chart_json_cannot_close_its_script_tag():
    chart = bar_chart("b", "t", [Series("</script><script>alert(1)</script>", ["a"], [1])])
    assert "</script>" not in chart.figure_json
    assert json.loads(chart.figure_json)["data"][0]["name"].startswith("</script>")
