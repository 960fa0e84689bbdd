"""Programme years (以干代训年度计划): their settings and blackout periods, and the fair selection of the unions
that send a trainee. Callers commit; operations flush."""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import func, select

from trainer.core.concurrency import check_version
from trainer.core.extensions import db
from trainer.core.i18n import clauses
from trainer.core.names import pinyin_order
from trainer.core.validation import InvalidInput
from trainer.org.models import Union
from trainer.rotation.models import (
    YEAR_STATUSES,
    Blackout,
    Certification,
    ProgrammeYear,
    SelectedUnion,
    Trainee,
)
from trainer.rotation.years.queries import year_of

# The centre a new programme year proposes, after the district's name (朝阳区劳动人事争议仲裁院…).
DEFAULT_CENTRE = "劳动人事争议仲裁院工会劳动争议调解中心"


def _check_window(year: int, start: date | None, end: date | None) -> None:
    errors = {}
    if start and start.year != year:
        errors["window_start"] = _("The placement period must lie in %(year)s.", year=year)
    if end and end.year != year:
        errors["window_end"] = _("The placement period must lie in %(year)s.", year=year)
    if start and end and end < start and not errors:
        errors["window_end"] = _("The end must not come before the start.")
    if errors:
        raise InvalidInput(errors)


def save_programme_year(py: ProgrammeYear | None, *, district_id: int, year: int, centre_name: str,
                        centre_address: str = "", trainee_target: int = 8, capacity: int = 2,
                        placement_length: int = 10, mentor_max_trainees: int = 2, status: str = "draft",
                        window_start: date | None = None, window_end: date | None = None,
                        version: int | None = None) -> ProgrammeYear:
    errors = {}
    if not 2000 <= int(year) <= 2100:
        errors["year"] = _("Give a year between 2000 and 2100.")
    if not (centre_name or "").strip():
        errors["centre_name"] = _("Name the mediation centre.")
    if capacity is None or capacity < 1:
        errors["capacity"] = _("The centre hosts at least one trainee at a time.")
    if placement_length is None or not 2 <= placement_length <= 30:
        errors["placement_length"] = _("A placement lasts 2 to 30 working days.")
    if trainee_target is None or trainee_target < 0:
        errors["trainee_target"] = _("The number of trainees cannot be negative.")
    if mentor_max_trainees is None or mentor_max_trainees < 1:
        errors["mentor_max_trainees"] = _("A mentor guides at least one trainee a day.")
    if status not in YEAR_STATUSES:
        errors["status"] = _("Unknown status.")
    if errors:
        raise InvalidInput(errors)
    _check_window(int(year), window_start, window_end)
    clash = year_of(district_id, year)
    if clash is not None and clash is not py:
        raise InvalidInput({"year": _("This district already has a programme for %(year)s.", year=year)})
    if py is None:
        py = ProgrammeYear(district_id=district_id)
        db.session.add(py)
    else:
        check_version(py, version)
        if py.year != int(year) and py.trainees:
            raise InvalidInput({"year": _("The year cannot change once trainees are enrolled.")})
    py.year = int(year)
    py.centre_name = centre_name.strip()
    py.centre_address = (centre_address or "").strip()
    py.trainee_target, py.capacity = trainee_target, capacity
    py.placement_length, py.mentor_max_trainees = placement_length, mentor_max_trainees
    py.status = status
    py.window_start, py.window_end = window_start, window_end
    db.session.flush()
    return py


def add_blackout(py: ProgrammeYear, *, start: date, end: date, label: str) -> Blackout:
    errors = {}
    if start is None:
        errors["start"] = _("Give the first day.")
    if end is None:
        errors["end"] = _("Give the last day.")
    if not (label or "").strip():
        errors["label"] = _("Name the period, e.g. 春节.")
    if errors:
        raise InvalidInput(errors)
    if end < start:
        raise InvalidInput({"end": _("The end must not come before the start.")})
    if start.year != py.year and end.year != py.year:
        raise InvalidInput({"start": _("The period must touch %(year)s.", year=py.year)})
    blackout = Blackout(programme_year=py, start=start, end=end, label=label.strip())
    db.session.add(blackout)
    db.session.flush()
    return blackout


def delete_blackout(blackout: Blackout) -> None:
    db.session.delete(blackout)
    db.session.flush()


# --- selection -----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Proposal:
    union: Union
    rank: int
    certified: int
    last_year: int | None
    reason: str
    selected: bool
    draw: int  # the union's number in the year's draw (0000–9999): breaks ties, lowest first
    tied: bool  # another union has the same standing, so the draw decides between them


KIND_ORDER = {"street": 0, "zone": 1, "industry": 2}


def draw_number(py: ProgrammeYear, union: Union) -> int:
    """The union's number in the draw of this district's year: SHA-256 of "district:year:union", four digits.
    Anyone can recompute it; it changes every year, so the same names do not always come first."""
    digest = hashlib.sha256(f"{py.district_id}:{py.year}:{union.id}".encode()).hexdigest()
    return int(digest[:8], 16) % 10000


def propose_selection(py: ProgrammeYear) -> list[Proposal]:
    """A fair order of the district's unions: those without a certified independent mediator first, then the
    ones that have waited longest since they last sent a trainee (never = first), then street and area unions
    before functional zones and industries; a tie is broken by the year's draw (``draw_number``), never by the
    name."""
    unions = db.session.scalars(select(Union).where(Union.district_id == py.district_id)
                                .order_by(*pinyin_order(Union))).all()
    # The standing before this year: its own trainees, certified or not, do not count (they would read as "a
    # certified mediator, never sent a trainee").
    certified = dict(db.session.execute(
        select(Certification.union_id, func.count()).join(Trainee, Trainee.id == Certification.trainee_id)
        .join(ProgrammeYear, ProgrammeYear.id == Trainee.programme_year_id)
        .where(Certification.district_id == py.district_id, ProgrammeYear.year < py.year)
        .group_by(Certification.union_id)).all())
    last_sent = dict(db.session.execute(
        select(Trainee.union_id, func.max(ProgrammeYear.year)).join(ProgrammeYear)
        .where(Trainee.district_id == py.district_id, ProgrammeYear.year < py.year)
        .group_by(Trainee.union_id)).all())
    chosen = {s.union_id for s in py.selections}

    def standing(union: Union) -> tuple:
        last = last_sent.get(union.id)
        return (1 if certified.get(union.id) else 0, -1 if last is None else last, KIND_ORDER.get(union.kind, 3))

    standings = Counter(standing(u) for u in unions)
    proposals = []
    ordered = sorted(unions, key=lambda u: (standing(u), draw_number(py, u), u.id))
    for rank, union in enumerate(ordered, start=1):
        count, last = certified.get(union.id, 0), last_sent.get(union.id)
        parts = [_("no certified independent mediator yet") if not count
                 else _("%(n)s certified independent mediator(s)", n=count)]
        if last is None:
            parts.append(_("has never sent a trainee"))
        else:
            parts.append(_("last sent a trainee in %(year)s (%(n)s year(s) ago)", year=last, n=py.year - last))
        proposals.append(Proposal(union, rank, count, last, clauses(parts), union.id in chosen,
                                  draw_number(py, union), standings[standing(union)] > 1))
    return proposals


def select_unions(py: ProgrammeYear, union_ids: list[int]) -> list[SelectedUnion]:
    """Replace the year's selection with these unions (the reason shown when chosen is kept)."""
    wanted = {int(u) for u in union_ids}
    if not wanted:
        raise InvalidInput({"union_ids": _("Tick at least one union: the year needs unions to send trainees.")})
    unions = {u.id: u for u in db.session.scalars(select(Union).where(Union.id.in_(wanted)))} if wanted else {}
    if any(u.district_id != py.district_id for u in unions.values()) or len(unions) != len(wanted):
        raise InvalidInput({"union_ids": _("Choose unions of this district.")})
    reasons = {p.union.id: p.reason for p in propose_selection(py)}
    for selection in list(py.selections):
        if selection.union_id not in wanted:
            py.selections.remove(selection)
    have = {s.union_id for s in py.selections}
    for union_id in sorted(wanted - have):
        py.selections.append(SelectedUnion(union_id=union_id, reason=reasons.get(union_id, "")[:200]))
    db.session.flush()
    return list(py.selections)
