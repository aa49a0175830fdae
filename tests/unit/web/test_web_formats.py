"""es-PE formats and the gettext catalogs of the dashboard."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from babel.numbers import format_currency, format_decimal

from pulso.web.i18n import Formatter, catalog_path, translations

WEB = Path(__file__).resolve().parents[3] / "src" / "pulso" / "web"
#: The same keywords the catalogs are extracted with (see docs in pulso/web/i18n.py).
KEYWORDS = {"_": None, "gettext": None, "N_": None, "Column": (2,), "Table": (2,), "NavItem": (2,)}
METHODS = [("templates/**.html", "jinja2.ext:babel_extract"), ("**.py", "python")]
NBSP = "\xa0"


@pytest.mark.parametrize("language", ["es", "en"])
def test_money_is_peruvian_soles_in_both_languages(language):
    fmt = Formatter(language)
    assert fmt.money(1234.5) == f"S/{NBSP}1,234.50"
    assert fmt.money(-3.15) == f"-S/{NBSP}3.15"
    assert fmt.money(None) == "–"
    assert fmt.money(float("nan")) == "–"


@pytest.mark.parametrize("value", [0.0, 0.5, 1234.5, -1234.567, 1_000_000.0, 99.995, 0.125])
def test_fast_money_and_numbers_match_babel_es_pe(value):
    fmt = Formatter("es")
    assert fmt.money(value) == format_currency(value, "PEN", locale="es_PE")
    assert fmt.number(value, 2) == format_decimal(value, format="#,##0.00", locale="es_PE")


def test_amounts_that_round_to_zero_lose_their_sign():
    assert Formatter("es").money(-0.001) == f"S/{NBSP}0.00"  # Babel would write -S/ 0.00


def test_dates_are_day_month_year_and_times_are_in_lima():
    fmt = Formatter("es")
    assert fmt.date(date(2026, 3, 5)) == "05/03/2026"
    # 02:30 UTC on the 6th is still the 5th in Lima (UTC-5)
    assert fmt.date(datetime(2026, 3, 6, 2, 30, tzinfo=UTC)) == "05/03/2026"
    assert fmt.datetime(datetime(2026, 3, 6, 2, 30, tzinfo=UTC)) == "05/03/2026 21:30"
    assert Formatter("es").month(date(2026, 11, 1)).lower().startswith("nov")


def test_numbers_and_percentages():
    fmt = Formatter("en")
    assert fmt.number(1234567.891) == "1,234,568"
    assert fmt.number(2.5, 2) == "2.50"
    assert fmt.percent(-5.04) == "-5.0 %"
    assert fmt.percent(12.0, signed=True) == "+12.0 %"
    assert fmt.share(0.25) == "25.0 %"


def _messages() -> set[str]:
    found = extract_from_dir(WEB, METHODS, keywords=KEYWORDS)
    return {message for _f, _l, message, *_ in found if isinstance(message, str)}


def test_every_dashboard_message_has_a_spanish_translation():
    messages = _messages()
    with catalog_path("es").open("rb") as handle:
        catalog = {m.id: m.string for m in read_po(handle) if m.id}
    missing = sorted(m for m in messages if not catalog.get(m))
    assert len(messages) > 200
    assert missing == []


def test_catalogs_translate_and_fall_back_to_english():
    assert translations("es").gettext("Overview") == "Resumen"
    assert translations("es").gettext("Prices") == "Precios"
    assert translations("en").gettext("Overview") == "Overview"
    assert translations("es").gettext("a message nobody wrote") == "a message nobody wrote"
    with pytest.raises(ValueError, match="language must be one of"):
        translations("fr")
