"""The visits area asks ``trainer.workdays`` (the one source of truth) which days are working days."""

from __future__ import annotations

from datetime import date


def year_not_announced() -> type[Exception]:
    from trainer.workdays import YearNotAnnounced

    return YearNotAnnounced


def working_days(first: date, last: date, *, allow_provisional: bool = False) -> tuple[frozenset[date], bool]:
    """The official working days from first to last, and whether a provisional calendar had to be used.

    Raises ``YearNotAnnounced`` (its message names the year) when a year is not announced and
    ``allow_provisional`` is false.
    """
    from trainer.workdays import YearNotAnnounced, working_days_set

    try:
        return frozenset(working_days_set(first, last)), False
    except YearNotAnnounced:
        if not allow_provisional:
            raise
    return frozenset(working_days_set(first, last, allow_provisional=True)), True


def is_working_day(day: date) -> bool | None:
    """True/False from the official calendar; None when the year is not announced."""
    from trainer.workdays import YearNotAnnounced
    from trainer.workdays import is_working_day as official

    try:
        return bool(official(day))
    except YearNotAnnounced:
        return None
