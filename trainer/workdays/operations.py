"""Save a year's calendar: enter, import, correct and confirm it (the State Council notice). Callers commit.

Every change validates the whole year first (``trainer.workdays.notice``) and changes nothing on any error. Every
save goes through the one change path (``trainer.workdays.changes.run_change``): its answer lists the planned items
of every programme that the new calendar breaks, with a proposal for each. A form opened before someone else saved
the year is refused with ``StaleEdit``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from trainer.core.clock import now_utc
from trainer.core.concurrency import StaleEdit
from trainer.core.extensions import db
from trainer.core.validation import InvalidInput
from trainer.workdays import library, service
from trainer.workdays.changes import ChangeImpact, Scope, current, run_change
from trainer.workdays.conflicts import Conflict, plugin_functions
from trainer.workdays.models import (
    KIND_HOLIDAY,
    KIND_MAKEUP,
    SOURCE_FILE,
    SOURCE_NOTICE,
    SOURCES,
    STATUS_DRAFT,
    STATUS_OFFICIAL,
    CalendarEntry,
    CalendarYear,
)
from trainer.workdays.notice import (
    HolidayRange,
    MakeupDay,
    NoticeInvalid,
    entries_as_ranges,
    holiday_names,
    parse_notice_data,
    validate_notice,
    without_day,
)

NO_ROW = "none"  # the stamp a form carries when the year had no row yet


@dataclass
class SaveResult:
    calendar_year: CalendarYear
    added: int = 0
    changed: int = 0
    removed: int = 0
    no_longer_working: list[date] = field(default_factory=list)
    became_official: bool = False
    impact: ChangeImpact | None = None

    @property
    def conflicts(self) -> list[Conflict]:
        """The planned items the save broke (each with a proposal)."""
        return self.impact.broken if self.impact is not None else []


def year_row(year: int) -> CalendarYear | None:
    return db.session.scalar(select(CalendarYear).where(CalendarYear.year == year)
                             .options(selectinload(CalendarYear.entries)))


def ensure_year_loaded(year: int) -> CalendarYear | None:
    """The year's row, storing the library's calendar first when the library knows the year."""
    row = year_row(year)
    if row is None and library.knows(year):
        service.store_library_year(year, db.session)
        service.invalidate(year)
        row = year_row(year)
    return row


def _working_set(year: int, entries: dict[date, tuple]) -> frozenset[date]:
    holidays = {d: v for d, v in entries.items() if v[0] == KIND_HOLIDAY}
    makeup = {d: v for d, v in entries.items() if v[0] == KIND_MAKEUP}
    return service.build_calendar(year, STATUS_DRAFT, None, None, holidays, makeup).working


def _non_working_days(year: int, working: frozenset[date]) -> list[date]:
    return [d for d in service.days_of_year(year) if d not in working]


def save_year(year: int, *, holidays: list[HolidayRange], makeups: list[MakeupDay], notice: str | None = None,
              source: str = SOURCE_NOTICE, confirm: bool = False, user=None, stamp: str | None = None) -> SaveResult:
    """Replace the year's entries with ``holidays`` and ``makeups`` (a draft, unless the year is official: then
    it is a correction that takes effect at once). ``confirm`` also makes it official. ``stamp`` is the year's
    stamp when the form was opened: a different one means someone else saved in between. The answer's
    ``impact`` lists what the new calendar breaks in every programme and district, with proposals."""
    scope = Scope.of(None, date(year, 1, 1), date(year, 12, 31))
    becomes_official = confirm and service.year_status(year) != STATUS_OFFICIAL
    impact = run_change(lambda: _save_year(year, holidays=holidays, makeups=makeups, notice=notice, source=source,
                                           confirm=confirm, user=user, stamp=stamp), scope,
                        also=(lambda c: "not_working_day" in c.rules) if becomes_official else None)
    result = impact.result
    result.impact = impact
    return result


def _save_year(year: int, *, holidays: list[HolidayRange], makeups: list[MakeupDay], notice: str | None,
               source: str, confirm: bool, user, stamp: str | None) -> SaveResult:
    if source not in SOURCES:
        raise InvalidInput({"source": _("Unknown source.")})
    validate_notice(year, holidays, makeups, notice)
    row = ensure_year_loaded(year)
    if stamp and stamp != (row.stamp if row is not None else NO_ROW):
        raise StaleEdit(row, stamp)
    was_official = row is not None and row.status == STATUS_OFFICIAL
    old = {e.day: (e.kind, e.name, e.name_en, e.festival) for e in (row.entries if row else [])}
    new: dict[date, tuple] = {}
    for item in holidays:
        for day in item.days():
            new[day] = (KIND_HOLIDAY, item.name, item.name_en, item.festival)
    for item in makeups:
        new[item.day] = (KIND_MAKEUP, item.name or "", item.name_en or item.name or "", item.festival)
    if row is None:
        row = CalendarYear(year=year, status=STATUS_DRAFT, source=source)
        db.session.add(row)
    result = SaveResult(calendar_year=row)
    by_day = {e.day: e for e in row.entries}
    for day, entry in by_day.items():
        if day not in new:
            row.entries.remove(entry)
            result.removed += 1
    db.session.flush()  # deletions first: a day may move between rows of the unique index
    for day, (kind, name, name_en, festival) in sorted(new.items()):
        entry = by_day.get(day)
        if entry is None:
            row.entries.append(CalendarEntry(day=day, kind=kind, name=name, name_en=name_en, festival=festival))
            result.added += 1
        elif (entry.kind, entry.name, entry.name_en, entry.festival) != (kind, name, name_en, festival):
            entry.kind, entry.name, entry.name_en, entry.festival = kind, name, name_en, festival
            result.changed += 1
    changed = bool(result.added or result.changed or result.removed)
    if changed:
        row.source = source
    if notice is not None and notice.strip() and notice.strip() != (row.notice or ""):
        row.notice = notice.strip()
    becomes_official = confirm and row.status != STATUS_OFFICIAL
    if becomes_official:
        row.status = STATUS_OFFICIAL
        row.confirmed_by_id = getattr(user, "id", None)
        row.confirmed_at = now_utc()
    if changed or becomes_official or row.stamp is None:
        row.touch()
    db.session.flush()
    service.invalidate(year)
    new_working = _working_set(year, new)
    if was_official and changed:
        old_working = _working_set(year, old)
        result.no_longer_working = sorted(old_working - new_working)
    elif becomes_official:
        result.became_official = True
        result.no_longer_working = _non_working_days(year, new_working)
        for hook in plugin_functions("year_became_official"):
            hook(year)
    return result


def confirm_year(year: int, user=None) -> SaveResult:
    """Make a draft official: from now on its days are working days without ``allow_provisional``, and what
    is planned on its non-working days is listed as conflicts."""
    row = year_row(year)
    if row is None:
        raise InvalidInput({"year": _("Nothing has been entered for %(year)s yet.", year=year)})
    if row.status == STATUS_OFFICIAL:
        raise InvalidInput({"year": _("The calendar of %(year)s is already official.", year=year)})
    holidays, makeups = entries_as_ranges(row)
    return save_year(year, holidays=holidays, makeups=makeups, source=row.source, confirm=True, user=user)


def discard_draft(year: int) -> ChangeImpact:
    """Throw a draft away: the year is not announced again (its provisional calendar applies)."""
    row = year_row(year)
    if row is None or row.status != STATUS_DRAFT:
        raise InvalidInput({"year": _("Only a draft can be discarded.")})

    def discard() -> None:
        db.session.delete(row)
        db.session.flush()
        service.invalidate(year)

    return run_change(discard, Scope.of(None, date(year, 1, 1), date(year, 12, 31)))


def import_notice(data, *, source: str = SOURCE_FILE, confirm: bool = False, user=None) -> SaveResult:
    """Import a notice file's content: validates everything first, changes nothing on any error."""
    year, notice, holidays, makeups = parse_notice_data(data)
    return save_year(year, holidays=holidays, makeups=makeups, notice=notice, source=source, confirm=confirm,
                     user=user)


def correct_entry(entry: CalendarEntry, *, day: date, kind: str, name: str, name_en: str | None = None,
                  stamp: str | None = None) -> SaveResult:
    """Correct one day of a year (its date, kind or name); the whole year is validated again."""
    row = entry.calendar_year
    if kind not in (KIND_HOLIDAY, KIND_MAKEUP):
        raise InvalidInput({"kind": _("Choose holiday or make-up working day.")})
    if day.year != row.year:
        raise InvalidInput({"day": _("%(day)s is outside %(year)s; a notice for %(year)s may only list days of "
                                     "%(year)s.", day=day.isoformat(), year=row.year)})
    if not (name or "").strip():
        raise InvalidInput({"name": _("Give the holiday's name.")})
    clash = next((e for e in row.entries if e.day == day and e is not entry), None)
    if clash is not None:
        raise InvalidInput({"day": _("%(day)s already has an entry (%(name)s).", day=day.isoformat(),
                                     name=clash.name)})
    zh, en, key = holiday_names(name, name_en)
    holidays, makeups = entries_as_ranges(row)
    holidays = without_day(holidays, entry.day)
    makeups = [m for m in makeups if m.day != entry.day]
    if kind == KIND_HOLIDAY:
        holidays.append(HolidayRange(name=zh, name_en=en, festival=key, start=day, end=day))
    else:
        makeups.append(MakeupDay(day=day, name=zh, name_en=en, festival=key))
    try:
        return save_year(row.year, holidays=holidays, makeups=makeups, source=row.source,
                         confirm=False, stamp=stamp)
    except NoticeInvalid as error:
        raise InvalidInput({"day": " ".join(sum(error.errors.values(), []))}) from None


def delete_entry(entry: CalendarEntry, stamp: str | None = None) -> SaveResult:
    """Remove one day from a year (the day goes back to an ordinary weekday or weekend)."""
    row = entry.calendar_year
    holidays, makeups = entries_as_ranges(row)
    holidays = without_day(holidays, entry.day)
    makeups = [m for m in makeups if m.day != entry.day]
    try:
        return save_year(row.year, holidays=holidays, makeups=makeups, source=row.source, stamp=stamp)
    except NoticeInvalid as error:
        raise InvalidInput({"day": " ".join(sum(error.errors.values(), []))}) from None


def recheck_year(year: int) -> list[Conflict]:
    """The planned items of ``year`` (from today on, every district) that break a rule now, kept ones included:
    conflicts are computed, never stored, so this only looks. Raises YearNotAnnounced for a year not official."""
    service.calendar(year)
    _world, found = current(Scope.of(None, date(year, 1, 1), date(year, 12, 31)), with_proposals=False)
    return found


__all__ = ["NO_ROW", "SaveResult", "confirm_year", "correct_entry", "delete_entry", "discard_draft",
           "ensure_year_loaded", "import_notice", "recheck_year", "save_year", "year_row"]
