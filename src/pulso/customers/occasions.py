"""Days that change how Lima eats out: public holidays, family days and food days.

:func:`dining_occasions` lists, for the given years, Peru's national public holidays and the
days restaurants plan for: Semana Santa (Holy Thursday and Good Friday, seafood), Día de la
Madre (second Sunday of May), Día del Padre (third Sunday of June), Día del Ceviche (28 June),
Día del Pollo a la Brasa (third Sunday of July), Fiestas Patrias (28 and 29 July) and the
year-end days. Keys are stable ASCII slugs used as insight names; the values depend on
the calendar only.

(``pulso.pricing.calendar`` holds the retail campaign calendar; the layers keep the two
domain packages apart, so the few shared dates are written here again.)
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

__all__ = ["OCCASION_NAMES", "dining_occasions", "easter_sunday"]

#: Occasion slug -> Spanish name shown to people.
OCCASION_NAMES: dict[str, str] = {
    "ano_nuevo": "Año Nuevo",
    "semana_santa": "Semana Santa",
    "dia_del_trabajo": "Día del Trabajo",
    "dia_de_la_madre": "Día de la Madre",
    "dia_de_la_bandera": "Día de la Bandera",
    "dia_del_padre": "Día del Padre",
    "dia_del_ceviche": "Día del Ceviche",
    "san_pedro_y_san_pablo": "San Pedro y San Pablo",
    "dia_del_pollo_a_la_brasa": "Día del Pollo a la Brasa",
    "fiestas_patrias": "Fiestas Patrias",
    "batalla_de_junin": "Batalla de Junín",
    "santa_rosa_de_lima": "Santa Rosa de Lima",
    "combate_de_angamos": "Combate de Angamos",
    "todos_los_santos": "Todos los Santos",
    "inmaculada_concepcion": "Inmaculada Concepción",
    "batalla_de_ayacucho": "Batalla de Ayacucho",
    "navidad": "Navidad",
    "fin_de_ano": "Fin de Año",
}

_FIXED = (
    (1, 1, "ano_nuevo"),
    (5, 1, "dia_del_trabajo"),
    (6, 7, "dia_de_la_bandera"),
    (6, 28, "dia_del_ceviche"),
    (6, 29, "san_pedro_y_san_pablo"),
    (7, 28, "fiestas_patrias"),
    (7, 29, "fiestas_patrias"),
    (8, 6, "batalla_de_junin"),
    (8, 30, "santa_rosa_de_lima"),
    (10, 8, "combate_de_angamos"),
    (11, 1, "todos_los_santos"),
    (12, 8, "inmaculada_concepcion"),
    (12, 9, "batalla_de_ayacucho"),
    (12, 24, "navidad"),
    (12, 25, "navidad"),
    (12, 31, "fin_de_ano"),
)


def easter_sunday(year: int) -> date:
    """Gregorian Easter Sunday (anonymous Gregorian algorithm).

    >>> easter_sunday(2026)
    datetime.date(2026, 4, 5)
    """
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    weekday = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * weekday) // 451
    month, day = divmod(h + weekday - 7 * m + 114, 31)
    return date(year, month, day + 1)


def _nth_sunday(year: int, month: int, n: int) -> date:
    first = date(year, month, 1)
    return first + timedelta(days=(6 - first.weekday()) % 7 + 7 * (n - 1))


def dining_occasions(years: Iterable[int]) -> dict[date, str]:
    """Occasion slug of every special day in ``years`` (see :data:`OCCASION_NAMES`)."""
    days: dict[date, str] = {}
    for year in sorted(set(years)):
        for month, day, name in _FIXED:
            days[date(year, month, day)] = name
        easter = easter_sunday(year)
        days[easter - timedelta(days=3)] = "semana_santa"
        days[easter - timedelta(days=2)] = "semana_santa"
        days[_nth_sunday(year, 5, 2)] = "dia_de_la_madre"
        days[_nth_sunday(year, 6, 3)] = "dia_del_padre"
        days[_nth_sunday(year, 7, 3)] = "dia_del_pollo_a_la_brasa"
    return dict(sorted(days.items()))
