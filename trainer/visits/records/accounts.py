"""The firm's monthly account (律所月度服务台账): what the contract asks, what was planned, delivered and missed.

One function computes it (``firm_account``); the page, the Excel file, the API and the monthly snapshot job all
use it, so the numbers on screen and in the file are the same numbers.

- contracted = stations covered × visits per station and month (the contract in force on the month's first day,
  else the one in force on its last day);
- planned = the month's visits that were not cancelled (delivered + missed + still planned);
- hours = for each delivered visit, check-out minus check-in; where either is missing, the contract's hours per
  visit (counted as "estimated" and said so).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from trainer.core.clock import as_utc
from trainer.core.extensions import db
from trainer.core.months import Month, month_bounds, month_key
from trainer.visits.models import CATEGORIES, Firm, FirmMonthlyAccount, Visit


@dataclass
class FirmAccount:
    firm: Firm
    month: Month
    contracted: int = 0
    stations_covered: int = 0
    visits_per_station: int = 0
    hours_per_visit: float = 0.0
    has_contract: bool = False
    planned: int = 0
    delivered: int = 0
    missed: int = 0
    open: int = 0  # still planned (today or later, or not yet recorded)
    hours: float = 0.0
    hours_measured: float = 0.0
    hours_estimated: float = 0.0
    estimated_visits: int = 0
    consultations: int = 0
    people: int = 0
    by_category: dict[str, int] = field(default_factory=lambda: {c: 0 for c in CATEGORIES})
    people_by_category: dict[str, int] = field(default_factory=lambda: {c: 0 for c in CATEGORIES})
    referrals: dict[str, int] = field(default_factory=dict)
    follow_ups: int = 0
    visits: list[Visit] = field(default_factory=list)
    missed_visits: list[Visit] = field(default_factory=list)

    @property
    def month_key(self) -> str:
        return month_key(self.month)

    @property
    def delivery_rate(self) -> float | None:
        return self.delivered / self.contracted if self.contracted else None

    def figures(self) -> dict:
        """The numbers as plain JSON (snapshot, API)."""
        return {
            "firm_id": self.firm.id, "firm": self.firm.name, "month": self.month_key,
            "contracted": self.contracted, "stations_covered": self.stations_covered,
            "visits_per_station": self.visits_per_station, "hours_per_visit": self.hours_per_visit,
            "has_contract": self.has_contract, "planned": self.planned, "delivered": self.delivered,
            "missed": self.missed, "open": self.open, "hours": round(self.hours, 2),
            "hours_measured": round(self.hours_measured, 2), "hours_estimated": round(self.hours_estimated, 2),
            "estimated_visits": self.estimated_visits, "consultations": self.consultations, "people": self.people,
            "by_category": dict(self.by_category), "people_by_category": dict(self.people_by_category),
            "referrals": dict(self.referrals), "follow_ups": self.follow_ups,
            "missed_visits": [{"visit_id": v.id, "day": v.day.isoformat(), "half": v.half,
                               "station": v.station.name, "lawyer": v.lawyer.name, "reason": v.missed_reason,
                               "note": v.missed_note} for v in self.missed_visits],
        }


def _visit_hours(visit: Visit) -> float | None:
    if visit.checked_in_at is None or visit.checked_out_at is None:
        return None
    return (as_utc(visit.checked_out_at) - as_utc(visit.checked_in_at)).total_seconds() / 3600


def visit_hours(visit: Visit, hours_per_visit: float) -> tuple[float, bool]:
    """(hours, estimated?) of a delivered visit."""
    measured = _visit_hours(visit)
    if measured is None:
        return float(hours_per_visit), True
    return measured, False


def _month_visits(firm_ids: list[int], month: Month) -> list[Visit]:
    first, last = month_bounds(month)
    if not firm_ids:
        return []
    return db.session.scalars(select(Visit).where(
        Visit.firm_id.in_(firm_ids), Visit.day >= first, Visit.day <= last, Visit.status != "cancelled")
        .options(selectinload(Visit.station), selectinload(Visit.lawyer), selectinload(Visit.consultations))
        .order_by(Visit.day, Visit.half, Visit.id)).all()


def _fill(account: FirmAccount, visits: list[Visit]) -> FirmAccount:
    firm = account.firm
    first, last = month_bounds(account.month)
    contract = firm.contract_on(first) or firm.contract_on(last)
    if contract is not None:
        account.has_contract = True
        account.stations_covered = contract.stations_covered
        account.visits_per_station = contract.visits_per_station_month
        account.hours_per_visit = float(contract.hours_per_visit)
        account.contracted = contract.stations_covered * contract.visits_per_station_month
    referrals: Counter[str] = Counter()
    for visit in visits:
        account.visits.append(visit)
        account.planned += 1
        if visit.status == "delivered":
            account.delivered += 1
            hours, estimated = visit_hours(visit, account.hours_per_visit or 3.0)
            account.hours += hours
            if estimated:
                account.hours_estimated += hours
                account.estimated_visits += 1
            else:
                account.hours_measured += hours
            for consultation in visit.consultations:
                account.consultations += 1
                account.people += consultation.people_count
                account.by_category[consultation.category] = account.by_category.get(consultation.category, 0) + 1
                account.people_by_category[consultation.category] = (
                    account.people_by_category.get(consultation.category, 0) + consultation.people_count)
                if consultation.referral != "none":
                    referrals[consultation.referral] += 1
                if consultation.follow_up:
                    account.follow_ups += 1
        elif visit.status == "missed":
            account.missed += 1
            account.missed_visits.append(visit)
        else:
            account.open += 1
    account.referrals = dict(referrals)
    account.hours = round(account.hours, 2)
    account.hours_measured = round(account.hours_measured, 2)
    account.hours_estimated = round(account.hours_estimated, 2)
    return account


def firm_account(firm: Firm, month: Month) -> FirmAccount:
    return _fill(FirmAccount(firm, month), _month_visits([firm.id], month))


def district_accounts(district_id: int, month: Month) -> list[FirmAccount]:
    """Every firm of the district with a contract in the month or visits in it, by name."""
    first, last = month_bounds(month)
    firms = db.session.scalars(select(Firm).where(Firm.district_id == district_id)
                               .options(selectinload(Firm.contracts)).order_by(Firm.name)).all()
    visits = _month_visits([f.id for f in firms], month)
    by_firm: dict[int, list[Visit]] = {}
    for visit in visits:
        by_firm.setdefault(visit.firm_id, []).append(visit)
    out = []
    for firm in firms:
        has_contract = any(c.start <= last and first <= c.end for c in firm.contracts)
        if not has_contract and firm.id not in by_firm:
            continue
        out.append(_fill(FirmAccount(firm, month), by_firm.get(firm.id, [])))
    return out


def store_snapshot(account: FirmAccount) -> bool:
    """Store the month's figures once (unique firm + month). True when a new snapshot was written."""
    exists = db.session.scalar(select(FirmMonthlyAccount.id).where(
        FirmMonthlyAccount.firm_id == account.firm.id, FirmMonthlyAccount.month == account.month_key))
    if exists is not None:
        return False
    db.session.add(FirmMonthlyAccount(firm_id=account.firm.id, district_id=account.firm.district_id,
                                      month=account.month_key, figures=account.figures()))
    db.session.flush()
    return True


def store_month(month: Month) -> tuple[int, int]:
    """Store every firm's account of ``month`` (the monthly job): (snapshots stored, already stored before)."""
    stored = kept = 0
    for district_id in db.session.scalars(select(Firm.district_id).distinct()).all():
        for account in district_accounts(district_id, month):
            if store_snapshot(account):
                stored += 1
            else:
                kept += 1
    return stored, kept


def snapshot_of(firm: Firm, month: Month) -> FirmMonthlyAccount | None:
    """The figures stored for the firm's month, if the month is closed."""
    return db.session.scalar(select(FirmMonthlyAccount).where(FirmMonthlyAccount.firm_id == firm.id,
                                                              FirmMonthlyAccount.month == month_key(month)))
