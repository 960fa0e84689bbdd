"""One change path for every change a plan rests on, and what a coordinator does about conflicts.

``run_change(change, scope)`` runs a change — a notice entered, confirmed or corrected; a person's leave from a form,
the API or an Excel import; a station's receiving half-days; an assignment — and answers, whatever the channel,
the same ``ChangeImpact``: the planned items of every programme that the change broke (each once, with every
reason) and a proposal for each. The pages show it (``workdays/_impact.html``), the API returns
``impact_json(impact)``.

Then, from the conflicts page, the API or an impact page: ``apply_places`` carries out chosen proposals (each
checked again, all together), ``apply_all`` every current proposal of a district, ``keep_item`` stores the decision
to keep an item where it is (who, why, when), ``replan_affected`` re-plans the affected months. Callers commit.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from trainer.core.clock import now_utc, today_local
from trainer.core.extensions import db
from trainer.core.i18n import format_day
from trainer.core.validation import InvalidInput
from trainer.org.models import District
from trainer.workdays.conflicts import (
    HORIZON_DAYS,
    Conflict,
    PlannedItem,
    World,
    breaches_of,
    decode_place,
    find_conflicts,
    load_world,
    open_conflicts,
    plugin_functions,
)
from trainer.workdays.models import KeptConflict
from trainer.workdays.notice_period import first_open_day
from trainer.workdays.proposals import propose


@dataclass(frozen=True)
class Scope:
    """Which planned items a change can touch: one district (None: all) and a range of days (never the past)."""

    district_id: int | None
    first: date
    last: date

    @classmethod
    def of(cls, district_id: int | None, first: date | None = None, last: date | None = None,
           today: date | None = None) -> Scope:
        today = today or today_local()
        return cls(district_id, max(first or today, today), last or today + timedelta(days=HORIZON_DAYS))


@dataclass
class ChangeImpact:
    """What a change broke, and a proposal for each: the same answer for every channel."""

    result: Any
    scope: Scope
    broken: list[Conflict] = field(default_factory=list)
    open_day: dict[int | None, date] = field(default_factory=dict)

    @property
    def held_by_notice(self) -> list[Conflict]:
        return [c for c in self.broken if c.proposal is not None and c.proposal.notice]


def current(scope: Scope, *, with_proposals: bool = True, today: date | None = None) -> tuple[World, list[Conflict]]:
    """The world of ``scope`` and its conflicts now (open ones with proposals)."""
    world = load_world(scope.district_id, scope.first, scope.last)
    conflicts = find_conflicts(world)
    if with_proposals:
        propose(open_conflicts(conflicts), scope.district_id, today=today)
    return world, conflicts


def run_change(change: Callable[[], Any], scope: Scope, *, today: date | None = None,
               also: Callable[[Conflict], bool] | None = None) -> ChangeImpact:
    """Run ``change`` (an operation; it flushes) and answer what it broke in ``scope``, with proposals.
    ``also`` names conflicts to answer even if they were there before (a year confirmed as official answers
    every item on its non-working days, also those its draft already showed)."""
    before_world = load_world(scope.district_id, scope.first, scope.last)
    before = {(c.key, b.rule) for c in find_conflicts(before_world) for b in c.breaches}
    result = change()
    db.session.flush()
    world = load_world(scope.district_id, scope.first, scope.last)
    broken = [c for c in open_conflicts(find_conflicts(world))
              if any((c.key, b.rule) not in before for b in c.breaches) or (also is not None and also(c))]
    propose(broken, scope.district_id, today=today)
    impact = ChangeImpact(result, scope, broken)
    for conflict in broken:
        district_id = conflict.item.district_id
        if district_id not in impact.open_day:
            impact.open_day[district_id] = first_open_day(district_id, today)
    return impact


# ------------------------------------------------------------------------------------------- carrying out

@dataclass
class ApplyResult:
    applied: list[PlannedItem] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)


def parse_token(token: str) -> tuple[str, int] | None:
    kind, _sep, number = (token or "").partition(":")
    try:
        return (kind, int(number)) if kind else None
    except ValueError:
        return None


def _carry_out(world: World, moves: dict[tuple[str, int], PlannedItem], result: ApplyResult) -> ApplyResult:
    pairs = [(world.items[key], new) for key, new in moves.items()]
    for apply in plugin_functions("apply"):
        result.refused.extend(apply(pairs))
    db.session.flush()
    result.applied.extend(new for _old, new in pairs)
    return result


def apply_places(district_id: int | None, chosen: Iterable[tuple[str, str, int | None]], *,
                 check: Callable[[PlannedItem], None] | None = None) -> ApplyResult:
    """Carry out chosen proposals ``(item token, place, version when shown)``: each item must still be planned
    and unchanged, and all of them together must break no rule; the others are applied."""
    world = load_world(district_id, *_window(district_id))
    result = ApplyResult()
    moves: dict[tuple[str, int], PlannedItem] = {}
    for token, place, version in chosen:
        key = parse_token(token)
        old = world.items.get(key) if key else None
        if old is None:
            result.refused.append(_("%(item)s is no longer planned from today on; nothing was changed.",
                                    item=token))
            continue
        if check is not None:
            check(old)
        if version not in (None, "") and old.version is not None and int(version) != old.version:
            result.refused.append(_("%(item)s: someone changed it in the meantime; it was left alone.",
                                    item=old.label))
            continue
        new = decode_place(old, place)
        first, last = _window(district_id)
        if new is None or new.where() == old.where() or not first <= new.day <= last:
            result.refused.append(_("%(item)s: the suggestion is incomplete.", item=old.label))
            continue
        moves[key] = new
    while moves:
        bad = {k: v for k, v in breaches_of(list(moves.values()), world.replaced(moves)).items() if v}
        if not bad:
            break
        for key, breaches in bad.items():
            result.refused.append(f"{world.items[key].label}: " + " ".join(b.message for b in breaches))
            del moves[key]
    return _carry_out(world, moves, result) if moves else result


def _window(district_id: int | None) -> tuple[date, date]:
    scope = Scope.of(district_id)
    return scope.first, scope.last


def apply_all(district_id: int | None, *, today: date | None = None) -> ApplyResult:
    """Carry out every current proposal of the district's open conflicts (they are consistent together)."""
    world, conflicts = current(Scope.of(district_id, today=today), today=today)
    moves = {c.key: c.proposal.item for c in open_conflicts(conflicts)
             if c.proposal is not None and c.proposal.item is not None}
    result = ApplyResult()
    for conflict in open_conflicts(conflicts):
        if conflict.proposal is not None and conflict.proposal.item is None:
            result.refused.append(f"{conflict.item.label}: {conflict.proposal.message}")
    return _carry_out(world, moves, result) if moves else result


def keep_item(token: str, reason: str, user, *, district_id: int | None = None,
              check: Callable[[PlannedItem], None] | None = None) -> KeptConflict:
    """Store the decision to keep an item (of ``district_id``; None: any district) where it is although it
    breaks a rule: who, why, when."""
    key = parse_token(token)
    # Text as people type it: no control characters (a line break or a tab is fine in a reason).
    reason = "".join(ch for ch in (reason or "") if ch in "\n\t" or unicodedata.category(ch)[0] != "C").strip()
    if not reason:
        raise InvalidInput({"reason": _("Say why the item stays where it is.")})
    found = None
    if key is not None:
        world = load_world(district_id, *_window(district_id))
        found = next((c for c in find_conflicts(world, only=lambda i: i.key == key)), None)
    if found is None:
        raise InvalidInput({"item": _("This item breaks no rule now; there is nothing to keep.")})
    if check is not None:
        check(found.item)
    row = db.session.scalar(select(KeptConflict).where(KeptConflict.kind == key[0], KeptConflict.item_id == key[1]))
    if row is None:
        row = KeptConflict(kind=key[0], item_id=key[1])
        db.session.add(row)
    row.district_id = found.item.district_id
    row.day = found.item.day
    row.place = found.item.where()[:200]
    row.rules = ",".join(sorted(found.rules))
    row.label = found.item.label[:200]
    row.reason = reason[:1000]
    row.kept_by_id = getattr(user, "id", None)
    row.kept_at = now_utc()
    db.session.flush()
    return row


def unkeep(row: KeptConflict) -> None:
    db.session.delete(row)
    db.session.flush()


def replan_affected(district: District, *, user_id: int | None = None) -> tuple[list, list[Conflict]]:
    """Re-plan the months of the district's open conflicts in each area that can (``calendar_checks.replan``);
    answers the areas' outcomes and the conflicts left."""
    scope = Scope.of(district.id)
    _world, conflicts = current(scope, with_proposals=False)
    outcomes = []
    for replan in plugin_functions("replan"):
        outcomes.extend(replan(district, open_conflicts(conflicts), user_id=user_id))
    db.session.flush()
    _world, left = current(scope, with_proposals=False)
    return outcomes, open_conflicts(left)


def impact_json(impact: ChangeImpact) -> dict:
    """The answer of a change for the API: what broke, why, and a proposal for each."""
    return {"broken": [conflict_json(c) for c in impact.broken],
            "notice_until": {str(k): (v - timedelta(days=1)).isoformat() for k, v in impact.open_day.items()}}


def conflict_json(conflict: Conflict) -> dict:
    item = conflict.item
    proposal = conflict.proposal
    return {
        "item": item.token, "kind": item.kind, "id": item.id, "label": item.label, "district_id": item.district_id,
        "day": item.day.isoformat(), "half": item.half, "start": item.start, "end": item.end,
        "people": [{"role": p.role, "id": p.id, "name": p.name} for p in item.people], "url": item.url,
        "provisional": item.provisional, "version": item.version,
        "reasons": [{"rule": b.rule, "message": b.message} for b in conflict.breaches],
        "kept": None if conflict.kept is None else {
            "by": conflict.kept.kept_by.display_name if conflict.kept.kept_by else None,
            "reason": conflict.kept.reason, "at": conflict.kept.kept_at.isoformat()},
        "proposal": None if proposal is None else {
            "kind": proposal.kind, "message": proposal.message, "place": proposal.place,
            "notice": proposal.notice,
            "day": proposal.item.day.isoformat() if proposal.item else None,
            "half": proposal.item.half if proposal.item else None,
            "start": proposal.item.start if proposal.item else None,
            "end": proposal.item.end if proposal.item else None,
            "people": [{"role": p.role, "id": p.id, "name": p.name} for p in proposal.item.people]
            if proposal.item else []},
    }


def notice_words(open_day: date) -> str:
    return format_day(open_day - timedelta(days=1))


def notice_until(district_id: int | None, today: date | None = None) -> date:
    """The last day of the district's minimum notice (automatic changes leave it alone)."""
    return first_open_day(district_id, today) - timedelta(days=1)


__all__ = ["ApplyResult", "ChangeImpact", "Scope", "apply_all", "apply_places", "conflict_json", "current",
           "impact_json", "keep_item", "notice_until", "notice_words", "parse_token", "replan_affected", "run_change", "unkeep"]
