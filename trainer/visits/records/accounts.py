"""The firm's monthly account (律所月度服务台账): what the contract asks, what was planned, delivered and missed.

One function computes it (``firm_account``); the page, the Excel file, the API and the monthly snapshot job all
use it, so the numbers on screen and in the file are the same numbers.

- contracted = stations covered × visits per station and month (the contract in force on the month's first day,
  else the one in force on its last day);
- planned = the month's visits that were not cancelled (delivered + in progress + missed + still open);
- delivered = the visits that took place (the lawyer checked in, or a coordinator entered the times), except one
  still in progress today;
- hours = for each delivered visit, check-out minus check-in, the real times only. A visit without check-out (or
  without any time) is credited no hours and flagged for the coordinator to correct; a visit shorter than
  ``VISIT_SHORT_SHARE`` of the contract's hours per visit is credited its real time and flagged "short". Nothing is
  estimated from the contract. ``counting()`` says so in words on the page, in the Excel file and the API.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from trainer.core.extensions import db
from trainer.core.months import Month, month_bounds, month_key
from trainer.visits.facts import VisitFacts, visit_facts
from trainer.visits.models import CATEGORIES, Firm, FirmMonthlyAccount, Visit
from trainer.visits.records import rules


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
    in_progress: int = 0  # checked in today, not yet checked out
    hours: float = 0.0  # from the real times only
    timed_visits: int = 0  # delivered visits with both times
    consultations: int = 0
    people: int = 0
    by_category: dict[str, int] = field(default_factory=lambda: {c: 0 for c in CATEGORIES})
    people_by_category: dict[str, int] = field(default_factory=lambda: {c: 0 for c in CATEGORIES})
    referrals: dict[str, int] = field(default_factory=dict)
    follow_ups: int = 0
    # The month's visits (light views, trainer.visits.facts: the attributes of a Visit that an account reads).
    visits: list[VisitFacts] = field(default_factory=list)
    missed_visits: list[VisitFacts] = field(default_factory=list)
    # Flagged for the coordinator: no check-out (no hours credited), no times at all (no hours), shorter than
    # VISIT_SHORT_SHARE of the contract's hours (real hours credited), past and unrecorded, recorded late.
    no_checkout: list[VisitFacts] = field(default_factory=list)
    untimed: list[VisitFacts] = field(default_factory=list)
    short: list[VisitFacts] = field(default_factory=list)
    unrecorded: list[VisitFacts] = field(default_factory=list)
    late: list[VisitFacts] = field(default_factory=list)
    # The contract's fees (元): per visit with both times recorded, and a fixed sum for the month.
    fee_per_visit: Decimal | None = None
    fee_per_month: Decimal | None = None

    @property
    def month_key(self) -> str:
        return month_key(self.month)

    @property
    def delivery_rate(self) -> float | None:
        return self.delivered / self.contracted if self.contracted else None

    @property
    def has_fees(self) -> bool:
        return self.fee_per_visit is not None or self.fee_per_month is not None

    @property
    def fee_for_visits(self) -> Decimal:
        """The fee per visit × the delivered visits with both times (those without times are paid once the
        coordinator enters them)."""
        return (self.fee_per_visit or Decimal(0)) * self.timed_visits

    @property
    def fee_total(self) -> Decimal:
        return self.fee_for_visits + (self.fee_per_month or Decimal(0))

    def figures(self) -> dict:
        """The numbers as plain JSON (snapshot, API)."""
        return {
            "firm_id": self.firm.id, "firm": self.firm.name, "month": self.month_key,
            "contracted": self.contracted, "stations_covered": self.stations_covered,
            "visits_per_station": self.visits_per_station, "hours_per_visit": self.hours_per_visit,
            "has_contract": self.has_contract, "planned": self.planned, "delivered": self.delivered,
            "missed": self.missed, "open": self.open, "in_progress": self.in_progress,
            "hours": round(self.hours, 2), "timed_visits": self.timed_visits,
            "no_checkout_visits": self._refs(self.no_checkout), "untimed_visits": self._refs(self.untimed),
            "short_visits": self._refs(self.short), "unrecorded_visits": self._refs(self.unrecorded),
            "late_visits": [{**self._ref(v), "late_reason": v.late_reason} for v in self.late],
            "counting": self.counting(), "consultations": self.consultations, "people": self.people,
            "by_category": dict(self.by_category), "people_by_category": dict(self.people_by_category),
            "referrals": dict(self.referrals), "follow_ups": self.follow_ups,
            "fees": {"per_visit": _money(self.fee_per_visit), "per_month": _money(self.fee_per_month),
                     "visits_paid": self.timed_visits, "for_visits": _money(self.fee_for_visits),
                     "total": _money(self.fee_total)} if self.has_fees else None,
            "missed_visits": [{"visit_id": v.id, "day": v.day.isoformat(), "half": v.half,
                               "station": v.station.name, "lawyer": v.lawyer.name, "reason": v.missed_reason,
                               "note": v.missed_note} for v in self.missed_visits],
        }

    def key(self) -> tuple:
        """What the account is made from, as one hashable value: the firm's name, the contract's terms, the
        month and every visit (the rest follows from these and the time)."""
        return (self.firm.id, self.firm.name, self.month, self.has_contract, self.contracted, self.stations_covered,
                self.visits_per_station, self.hours_per_visit, self.fee_per_visit, self.fee_per_month,
                tuple(visit.key() for visit in self.visits))

    def flags_of(self, visit: Visit) -> list[str]:
        """What the account flags about one of its visits (codes of labels.FLAG_LABELS), as counted above."""
        found = [name for name in ("no_checkout", "untimed", "short", "unrecorded")
                 if any(v.id == visit.id for v in getattr(self, name))]
        if visit.late_reason:
            found.append("late")
        return found

    @staticmethod
    def _ref(visit: Visit) -> dict:
        return {"visit_id": visit.id, "day": visit.day.isoformat(), "half": visit.half,
                "station": visit.station.name, "lawyer": visit.lawyer.name}

    def _refs(self, visits: list[Visit]) -> list[dict]:
        return [self._ref(v) for v in visits]

    def counting(self) -> list[str]:
        """How this account counted, in words (the page, the Excel file and the API say the same)."""
        notes = [_("Hours are counted from the real check-in and check-out times only; nothing is estimated from "
                   "the contract.")]
        if self.no_checkout:
            notes.append(_("%(num)s visit(s) without check-out: counted as delivered, but no hours are credited "
                           "until the coordinator enters the time.", num=len(self.no_checkout)))
        if self.untimed:
            notes.append(_("%(num)s delivered visit(s) without any times: no hours are credited.",
                           num=len(self.untimed)))
        if self.short:
            share = f"{rules.short_share():.0%}"
            notes.append(_("%(num)s visit(s) shorter than %(share)s of the contract's hours per visit: the real "
                           "time is credited and flagged.", num=len(self.short), share=share))
        if self.in_progress:
            notes.append(_("%(num)s visit(s) in progress (checked in, not yet out): not counted yet.",
                           num=self.in_progress))
        if self.unrecorded:
            notes.append(_("%(num)s visit(s) past their slot and not recorded.", num=len(self.unrecorded)))
        if self.late:
            notes.append(_("%(num)s visit(s) recorded late by the lawyer, with a reason.", num=len(self.late)))
        if self.fee_per_visit is not None:
            notes.append(_("Fees: %(fee)s yuan for each delivered visit with both times recorded (%(num)s); a visit "
                           "without times is paid once the coordinator enters them.", fee=_money(self.fee_per_visit),
                           num=self.timed_visits))
        return notes


def _money(value: Decimal | None) -> str | None:
    """A sum of yuan as text with two decimals (exact, for the API and the snapshot)."""
    return None if value is None else f"{Decimal(value).quantize(Decimal('0.01'))}"


def _month_visits(firm_ids: list[int], month: Month) -> list[VisitFacts]:
    """The firms' visits of the month (not cancelled) with their consultations: two queries, whatever the size."""
    first, last = month_bounds(month)
    if not firm_ids:
        return []
    return visit_facts(Visit.firm_id.in_(firm_ids), Visit.day >= first, Visit.day <= last,
                       Visit.status != "cancelled", consultations=True)


def _fill(account: FirmAccount, visits: list[VisitFacts]) -> FirmAccount:
    firm = account.firm
    first, last = month_bounds(account.month)
    contract = firm.contract_on(first) or firm.contract_on(last)
    if contract is not None:
        account.has_contract = True
        account.stations_covered = contract.stations_covered
        account.visits_per_station = contract.visits_per_station_month
        account.hours_per_visit = float(contract.hours_per_visit)
        account.contracted = contract.stations_covered * contract.visits_per_station_month
        account.fee_per_visit, account.fee_per_month = contract.fee_per_visit, contract.fee_per_month
    referrals: Counter[str] = Counter()
    now = rules.now()
    for visit in visits:
        account.visits.append(visit)
        account.planned += 1
        state = rules.state(visit, now)
        if visit.late_reason:
            account.late.append(visit)
        if state == rules.IN_PROGRESS:
            account.in_progress += 1
        elif visit.status == "delivered":
            account.delivered += 1
            measured = rules.hours(visit)
            if measured is not None:
                account.hours += measured
                account.timed_visits += 1
                if rules.is_short(visit, account.hours_per_visit):
                    account.short.append(visit)
            elif state == rules.NO_CHECKOUT:
                account.no_checkout.append(visit)
            else:
                account.untimed.append(visit)
        elif visit.status == "missed":
            account.missed += 1
            account.missed_visits.append(visit)
        else:
            account.open += 1
            if state == rules.UNRECORDED:
                account.unrecorded.append(visit)
        if visit.status == "delivered":
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
    account.referrals = dict(referrals)
    account.hours = round(account.hours, 2)
    return account


def firm_account(firm: Firm, month: Month) -> FirmAccount:
    return _fill(FirmAccount(firm, month), _month_visits([firm.id], month))


def district_accounts(district_id: int, month: Month) -> list[FirmAccount]:
    """Every firm of the district with a contract in the month or visits in it, by name."""
    first, last = month_bounds(month)
    firms = db.session.scalars(select(Firm).where(Firm.district_id == district_id)
                               .options(selectinload(Firm.contracts)).order_by(Firm.name_pinyin, Firm.name)).all()
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
