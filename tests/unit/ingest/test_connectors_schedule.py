"""Cron schedules of sources."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from pulso.errors import InputError
from pulso.ingest.connectors.schedule import is_due, parse_cron

LIMA = ZoneInfo("America/Lima")


def lima(year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=LIMA)


@pytest.mark.parametrize(
    ("expression", "moment", "latest"),
    [
        ("0 6 * * *", lima(2026, 11, 20, 9, 30), lima(2026, 11, 20, 6, 0)),
        ("0 6 * * *", lima(2026, 11, 20, 5, 59), lima(2026, 11, 19, 6, 0)),
        ("*/15 * * * *", lima(2026, 11, 20, 9, 44), lima(2026, 11, 20, 9, 30)),
        ("30 8-18/2 * * mon-fri", lima(2026, 11, 21, 12, 0), lima(2026, 11, 20, 18, 30)),
        ("0 0 1 * *", lima(2026, 11, 20, 0, 0), lima(2026, 11, 1, 0, 0)),
        ("0 7 * * 0", lima(2026, 11, 20, 0, 0), lima(2026, 11, 15, 7, 0)),
        ("0 7 * * 7", lima(2026, 11, 20, 0, 0), lima(2026, 11, 15, 7, 0)),
        ("@daily", lima(2026, 11, 20, 0, 0), lima(2026, 11, 20, 0, 0)),
        ("0 5 13 * fri", lima(2026, 11, 19, 9, 0), lima(2026, 11, 13, 5, 0)),  # 13th or Friday
        ("0 9 1 jan *", lima(2026, 11, 20, 9, 0), lima(2026, 1, 1, 9, 0)),
    ],
)
def test_latest_scheduled_time(expression, moment, latest):
    assert parse_cron(expression).latest_at_or_before(moment) == latest


@pytest.mark.parametrize(
    ("expression", "problem"),
    [
        ("0 6 * *", "5 fields"),
        ("61 * * * *", "outside 0-59 in the minute field"),
        ("0 25 * * *", "outside 0-23 in the hour field"),
        ("0 6 * * funday", "not a number in the day of week field"),
        ("*/0 * * * *", "bad step"),
        ("0 6 10-2 * *", "outside 1-31"),
    ],
)
def test_bad_schedules_say_which_field(expression, problem):
    with pytest.raises(InputError, match=problem):
        parse_cron(expression)


def test_a_source_is_due_when_a_scheduled_time_passed_since_its_last_run():
    now = datetime(2026, 11, 20, 14, 0, tzinfo=UTC)  # 09:00 in Lima
    ran_before_six = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)  # 05:00 in Lima
    ran_after_six = datetime(2026, 11, 20, 11, 30, tzinfo=UTC)  # 06:30 in Lima
    assert is_due("0 6 * * *", last_run=ran_before_six, now=now, timezone="America/Lima")
    assert not is_due("0 6 * * *", last_run=ran_after_six, now=now, timezone="America/Lima")
    assert is_due("0 6 * * *", last_run=None, now=now, timezone="America/Lima")
    assert is_due(None, last_run=ran_after_six, now=now, timezone="America/Lima")
