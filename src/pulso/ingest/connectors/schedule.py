"""Cron schedules of sources: five fields, evaluated in the sources' local time zone.

``minute hour day-of-month month day-of-week`` with ``*``, lists (``1,15``), ranges
(``1-5``), steps (``*/15``, ``8-18/2``), month and weekday names (``jan``, ``mon``) and the
shortcuts ``@hourly``, ``@daily``, ``@weekly``, ``@monthly``, ``@yearly``. As in Vixie cron, when
both day fields are restricted a day matches either. A source is *due* when a scheduled time
fell after its last run and not after now; a source that never ran is due at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from pulso.errors import InputError

__all__ = ["CronSchedule", "is_due", "parse_cron"]

_SHORTCUTS = {
    "@hourly": "0 * * * *",
    "@daily": "0 0 * * *",
    "@midnight": "0 0 * * *",
    "@weekly": "0 0 * * 0",
    "@monthly": "0 0 1 * *",
    "@yearly": "0 0 1 1 *",
    "@annually": "0 0 1 1 *",
}
_MONTHS = {
    name: n
    for n, name in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1
    )
}
_DAYS = {name: n for n, name in enumerate(["sun", "mon", "tue", "wed", "thu", "fri", "sat"])}
_NO_NAMES: dict[str, int] = {}
_FIELDS: tuple[tuple[str, int, int, dict[str, int]], ...] = (
    ("minute", 0, 59, _NO_NAMES),
    ("hour", 0, 23, _NO_NAMES),
    ("day of month", 1, 31, _NO_NAMES),
    ("month", 1, 12, _MONTHS),
    ("day of week", 0, 7, _DAYS),
)


@dataclass(frozen=True, slots=True)
class CronSchedule:
    """A parsed cron expression: the allowed values of each field."""

    expression: str
    minutes: frozenset[int]
    hours: frozenset[int]
    days: frozenset[int]
    months: frozenset[int]
    weekdays: frozenset[int]  # 0 = Sunday
    any_day: bool
    any_weekday: bool

    def matches_day(self, day: date) -> bool:
        if day.month not in self.months:
            return False
        in_month = day.day in self.days
        in_week = (day.isoweekday() % 7) in self.weekdays
        if self.any_day or self.any_weekday:
            return in_month and in_week
        return in_month or in_week

    def latest_at_or_before(self, moment: datetime) -> datetime | None:
        """The last scheduled time not after ``moment`` (same time zone), within ~4 years."""
        day = moment.date()
        for offset in range(366 * 4 + 1):
            current = day - timedelta(days=offset)
            if not self.matches_day(current):
                continue
            limit = moment.time() if offset == 0 else time(23, 59)
            found = self._latest_time(limit)
            if found is not None:
                return datetime.combine(current, found, tzinfo=moment.tzinfo)
        return None

    def _latest_time(self, limit: time) -> time | None:
        for hour in sorted((h for h in self.hours if h <= limit.hour), reverse=True):
            top = limit.minute if hour == limit.hour else 59
            minutes = [m for m in self.minutes if m <= top]
            if minutes:
                return time(hour, max(minutes))
        return None


def _values(part: str, *, name: str, low: int, high: int, names: dict[str, int]) -> set[int]:
    values: set[int] = set()
    for item in part.split(","):
        base, _, step_text = item.partition("/")
        step = int(step_text) if step_text.isdigit() and int(step_text) > 0 else None
        if step_text and step is None:
            raise ValueError(f"bad step {step_text!r} in the {name} field")
        if base == "*":
            start, end = low, high
        else:
            first, _, last = base.partition("-")
            start = _number(first, name=name, names=names)
            end = _number(last, name=name, names=names) if last else (high if step else start)
        if not (low <= start <= high and low <= end <= high and start <= end):
            raise ValueError(f"{item!r} is outside {low}-{high} in the {name} field")
        values.update(range(start, end + 1, step or 1))
    return values


def _number(text: str, *, name: str, names: dict[str, int]) -> int:
    text = text.strip().lower()
    if text in names:
        return names[text]
    if not text.isdigit():
        raise ValueError(f"{text!r} is not a number in the {name} field")
    return int(text)


def parse_cron(expression: str) -> CronSchedule:
    """Parse ``expression``; :class:`InputError` says which field is wrong."""
    text = _SHORTCUTS.get(expression.strip().lower(), expression.strip())
    parts = text.split()
    if len(parts) != 5:
        raise InputError(
            f"invalid schedule {expression!r}: a cron expression has 5 fields "
            "(minute hour day-of-month month day-of-week), or use @hourly, @daily, @weekly"
        )
    try:
        sets = [
            _values(part, name=name, low=low, high=high, names=names)
            for part, (name, low, high, names) in zip(parts, _FIELDS, strict=True)
        ]
    except ValueError as exc:
        raise InputError(f"invalid schedule {expression!r}: {exc}") from exc
    weekdays = frozenset(day % 7 for day in sets[4])
    return CronSchedule(
        expression=expression.strip(),
        minutes=frozenset(sets[0]),
        hours=frozenset(sets[1]),
        days=frozenset(sets[2]),
        months=frozenset(sets[3]),
        weekdays=weekdays,
        any_day=parts[2].startswith("*"),
        any_weekday=parts[4].startswith("*"),
    )


def is_due(
    expression: str | None, *, last_run: datetime | None, now: datetime, timezone: str
) -> bool:
    """Whether a source with this schedule should run now (no schedule: every time)."""
    if expression is None or not expression.strip() or last_run is None:
        return True
    zone = ZoneInfo(timezone)
    latest = parse_cron(expression).latest_at_or_before(now.astimezone(zone))
    return latest is not None and latest > last_run.astimezone(zone)
