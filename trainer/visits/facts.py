"""Light, read-only views of many visits at once, for the pages that show a whole month of a district.

The month calendar and the firms' accounts read a thousand visits of a city-size district with their station,
lawyer and consultations. As ORM objects that is several thousand instances per page; here it is one query for
the visits with their station's and lawyer's columns and one for their consultations, into plain objects with
the same attribute names (``visit.station.name``, ``visit.lawyer.name``, ``visit.consultations``…), so that the
recording rules (``trainer.visits.records.rules``), the accounts, the templates and the Excel sheets read them as
they read a ``Visit``. The number of queries does not grow with the number of visits.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date, datetime
from typing import NamedTuple

from sqlalchemy import select

from trainer.core.extensions import db
from trainer.org.models import Station
from trainer.visits.models import Consultation, Lawyer, Visit


@dataclass(slots=True, frozen=True)
class StationFacts:
    id: int
    name: str
    am_hours: str
    pm_hours: str

    hours_of = Station.hours_of  # the one rule for a station's slot


@dataclass(slots=True, frozen=True)
class LawyerFacts:
    id: int
    name: str


class ConsultationFacts(NamedTuple):  # a tuple: a city-size month holds a couple of thousand
    category: str
    people_count: int
    referral: str
    follow_up: bool


@dataclass(slots=True)
class VisitFacts:
    id: int
    district_id: int
    firm_id: int
    day: date
    half: str
    status: str
    pinned: bool
    by_backup: bool
    provisional: bool
    checked_in_at: datetime | None
    checked_out_at: datetime | None
    late_reason: str | None
    missed_reason: str | None
    missed_note: str | None
    station: StationFacts
    lawyer: LawyerFacts
    consultations: list[ConsultationFacts] = field(default_factory=list)

    def key(self) -> tuple:
        """Everything the visit holds, as one hashable value (what a kept page part is made from)."""
        return tuple(tuple(value) if isinstance(value, list) else value
                     for value in (getattr(self, name) for name in _VISIT_FIELDS))


_VISIT_FIELDS = tuple(item.name for item in fields(VisitFacts))

_VISIT_COLUMNS = (Visit.id, Visit.district_id, Visit.firm_id, Visit.day, Visit.half, Visit.status, Visit.pinned,
                  Visit.by_backup, Visit.provisional, Visit.checked_in_at, Visit.checked_out_at, Visit.late_reason,
                  Visit.missed_reason, Visit.missed_note)
_STATION_COLUMNS = (Station.id, Station.name, Station.am_hours, Station.pm_hours)


def visit_facts(*where, consultations: bool = False) -> list[VisitFacts]:
    """The visits matching ``where`` (conditions on ``Visit``), by day, half and id, with their station and lawyer;
    with ``consultations``, their consultations too (one more query)."""
    connection = db.session.connection()  # Core rows: no ORM loading step for plain columns
    rows = connection.execute(
        select(*_VISIT_COLUMNS, *_STATION_COLUMNS, Lawyer.id, Lawyer.name)
        .join(Station, Station.id == Visit.station_id).join(Lawyer, Lawyer.id == Visit.lawyer_id)
        .where(*where).order_by(Visit.day, Visit.half, Visit.id))
    stations: dict[int, StationFacts] = {}
    lawyers: dict[int, LawyerFacts] = {}
    visits = []
    width = len(_VISIT_COLUMNS)
    for row in rows:
        station = stations.get(row[width])
        if station is None:
            station = stations[row[width]] = StationFacts(*row[width:width + 4])
        lawyer = lawyers.get(row[width + 4])
        if lawyer is None:
            lawyer = lawyers[row[width + 4]] = LawyerFacts(*row[width + 4:width + 6])
        visits.append(VisitFacts(*row[:width], station, lawyer))
    if consultations and visits:
        by_id = {visit.id: visit for visit in visits}
        for visit_id, *values in connection.execute(
                select(Consultation.visit_id, Consultation.category, Consultation.people_count,
                       Consultation.referral, Consultation.follow_up)
                .join(Visit, Visit.id == Consultation.visit_id).where(*where).order_by(Consultation.id)):
            by_id[visit_id].consultations.append(ConsultationFacts._make(values))
    return visits
