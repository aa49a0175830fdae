"""Peru's retail calendar as model features: public holidays, campaigns and paydays.

Supermarkets in Peru plan prices and promotions around a few campaigns: the *campaña escolar*
(back to school, February and March), the *Día de la Madre* (second Sunday of May) and *Día del
Padre* (third Sunday of June), *Fiestas Patrias* (28 and 29 July, with the July bonus), *Black
Friday* and *Navidad* (December, with the December bonus). :func:`event_windows` gives the days
of each campaign, :func:`peru_holidays` the national public holidays (Ley 27444 and later laws
that added 7 June, 23 July, 6 August and 9 December), and :func:`weekly_calendar` turns both
into one numeric row per week.

Every value depends on the calendar only, never on observed data, so a feature of a future week
is known in advance and cannot leak.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

import numpy as np
import pandas as pd

__all__ = [
    "EVENTS",
    "easter_sunday",
    "event_windows",
    "monthly_calendar",
    "peru_holidays",
    "weekly_calendar",
]

#: Retail campaigns and bonus periods, in calendar order, with their Spanish names.
EVENTS: dict[str, str] = {
    "escolar": "Campaña Escolar",
    "madre": "Día de la Madre",
    "padre": "Día del Padre",
    "gratificacion": "Gratificación (julio y diciembre)",
    "fiestas_patrias": "Fiestas Patrias",
    "black_friday": "Black Friday",
    "navidad": "Navidad",
}

_FIXED_HOLIDAYS: tuple[tuple[int, int, str, int], ...] = (
    # (month, day, name, first year observed)
    (1, 1, "Año Nuevo", 1900),
    (5, 1, "Día del Trabajo", 1900),
    (6, 7, "Batalla de Arica y Día de la Bandera", 2022),
    (6, 29, "San Pedro y San Pablo", 1900),
    (7, 23, "Día de la Fuerza Aérea del Perú", 2023),
    (7, 28, "Fiestas Patrias", 1900),
    (7, 29, "Fiestas Patrias", 1900),
    (8, 6, "Batalla de Junín", 2022),
    (8, 30, "Santa Rosa de Lima", 1900),
    (10, 8, "Combate de Angamos", 1900),
    (11, 1, "Todos los Santos", 1900),
    (12, 8, "Inmaculada Concepción", 1900),
    (12, 9, "Batalla de Ayacucho", 2022),
    (12, 25, "Navidad", 1900),
)


def easter_sunday(year: int) -> date:
    """Western Easter Sunday of ``year`` (the anonymous Gregorian algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l_) // 451
    month, day = divmod(h + l_ - 7 * m + 114, 31)
    return date(year, month, day + 1)


def peru_holidays(year: int) -> dict[date, str]:
    """Peru's national public holidays of ``year`` (Holy Thursday and Good Friday included)."""
    easter = easter_sunday(year)
    holidays = {
        date(year, month, day): name
        for month, day, name, since in _FIXED_HOLIDAYS
        if year >= since
    }
    holidays[easter - timedelta(days=3)] = "Jueves Santo"
    holidays[easter - timedelta(days=2)] = "Viernes Santo"
    return dict(sorted(holidays.items()))


def _nth_sunday(year: int, month: int, n: int) -> date:
    first = date(year, month, 1)
    return first + timedelta(days=(6 - first.weekday()) % 7 + 7 * (n - 1))


def _days(start: date, end: date) -> set[date]:
    return {start + timedelta(days=k) for k in range((end - start).days + 1)}


def event_windows(year: int) -> dict[str, set[date]]:
    """The days of each campaign in :data:`EVENTS` for ``year``.

    Mother's and Father's Day windows are the ten days up to the Sunday; Black Friday runs from
    the Friday after the fourth Thursday of November to Cyber Monday; the bonus windows are the
    first half of July and December, when *gratificaciones* are paid.
    """
    mothers_day = _nth_sunday(year, 5, 2)
    fathers_day = _nth_sunday(year, 6, 3)
    first_nov = date(year, 11, 1)
    thanksgiving = first_nov + timedelta(days=(3 - first_nov.weekday()) % 7 + 21)
    return {
        "escolar": _days(date(year, 2, 1), date(year, 3, 31)),
        "madre": _days(mothers_day - timedelta(days=10), mothers_day),
        "padre": _days(fathers_day - timedelta(days=10), fathers_day),
        "gratificacion": _days(date(year, 7, 1), date(year, 7, 15))
        | _days(date(year, 12, 1), date(year, 12, 15)),
        "fiestas_patrias": _days(date(year, 7, 15), date(year, 7, 29)),
        "black_friday": _days(thanksgiving + timedelta(days=1), thanksgiving + timedelta(days=4)),
        "navidad": _days(date(year, 12, 1), date(year, 12, 24)),
    }


def _day_flags(days: Iterable[date]) -> pd.DataFrame:
    """One row per day: a 0/1 column per event, ``holiday`` and ``payday`` (15th, month end)."""
    days = list(days)
    years = sorted({day.year for day in days})
    windows = {year: event_windows(year) for year in years}
    holidays: set[date] = set().union(*(peru_holidays(year) for year in years))
    frame = pd.DataFrame(
        {name: [day in windows[day.year][name] for day in days] for name in EVENTS},
        dtype=np.float64,
    )
    frame["holiday"] = [float(day in holidays) for day in days]
    frame["payday"] = [
        float(day.day == 15 or (day + timedelta(days=1)).month != day.month) for day in days
    ]
    return frame


def weekly_calendar(week_starts: Iterable[date]) -> pd.DataFrame:
    """Calendar features of the weeks starting on ``week_starts`` (Mondays), indexed by them.

    Columns: ``event_<name>`` (share of the week's seven days inside each campaign, 0-1),
    ``holidays`` (public holidays in the week), ``payday`` (1 if the week holds the 15th or
    a month's last day), ``month`` (1-12, of the week's Thursday) and ``week_of_year``
    (ISO week).
    """
    starts = [pd.Timestamp(day).date() for day in week_starts]
    days = [start + timedelta(days=k) for start in starts for k in range(7)]
    flags = _day_flags(days).to_numpy().reshape(len(starts), 7, -1)
    names = [f"event_{name}" for name in EVENTS]
    frame = pd.DataFrame(flags[:, :, : len(EVENTS)].mean(axis=1), columns=names)
    frame["holidays"] = flags[:, :, len(EVENTS)].sum(axis=1)
    frame["payday"] = flags[:, :, len(EVENTS) + 1].max(axis=1)
    thursdays = [start + timedelta(days=3) for start in starts]
    frame["month"] = [float(day.month) for day in thursdays]
    frame["week_of_year"] = [float(day.isocalendar().week) for day in thursdays]
    frame.index = pd.DatetimeIndex([pd.Timestamp(start) for start in starts], name="period")
    return frame


def monthly_calendar(month_starts: Iterable[date]) -> pd.DataFrame:
    """Calendar features of monthly periods: only ``month`` (1-12), indexed by the periods."""
    stamps = pd.DatetimeIndex([pd.Timestamp(day) for day in month_starts], name="period")
    return pd.DataFrame({"month": stamps.month.astype(np.float64)}, index=stamps)
