"""Proposals for conflicts: where each broken item could go, all of them consistent with each other.

An area may propose for its own items (the visits area asks its planner to repair the affected months with
everything else held: ``calendar_checks.propose``). Every other item gets the first day after it (or after the
minimum notice) where it breaks nothing, each found day reserved before the next item is looked at, so that two
proposals never collide. Then every proposal is checked against every rule and against all the others at once,
and one that would still break something is withdrawn (its item gets "nothing found", with the reason), until
applying all of them breaks nothing. Nothing is ever proposed before the district's first open day
(``trainer.workdays.notice_period``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, timedelta

from flask_babel import gettext as _

from trainer.core.clock import today_local
from trainer.core.i18n import format_day
from trainer.workdays.conflicts import (
    Conflict,
    PlannedItem,
    Proposal,
    World,
    breaches_of,
    load_world,
    plugin_functions,
)
from trainer.workdays.notice_period import first_open_day

SEARCH_DAYS = 62  # how far after an item the next valid day is looked for


def open_days(today: date | None = None) -> Callable[[int | None], date]:
    """The first open day of each district, asked once per district."""
    today = today or today_local()
    cache: dict[int | None, date] = {}

    def open_day(district_id: int | None) -> date:
        if district_id not in cache:
            cache[district_id] = first_open_day(district_id, today)
        return cache[district_id]

    return open_day


def next_days(item: PlannedItem, open_day: Callable[[int | None], date]) -> Iterable[PlannedItem]:
    """The generic alternatives: the same item on each following day, from the first open day on."""
    start = max(item.day + timedelta(days=1), open_day(item.district_id))
    for offset in range(SEARCH_DAYS):
        yield item.moved_to(day=start + timedelta(days=offset))


def _alternatives_of(kind_hooks: list, item: PlannedItem, open_day) -> Iterable[PlannedItem]:
    for hook in kind_hooks:
        found = hook(item, open_day)
        if found is not None:
            return found
    return next_days(item, open_day)


def notice_message(item: PlannedItem, open_day: Callable[[int | None], date]) -> str:
    return _("Not moved: the minimum notice keeps automatic changes off the days until %(day)s; move it by hand "
             "if it must change.", day=format_day(open_day(item.district_id) - timedelta(days=1)))


def proposal_world(conflicts: list[Conflict], district_id: int | None, today: date | None = None) -> World:
    """Everything planned where the proposals for ``conflicts`` may go: from the first day of the earliest
    broken item's month (never before today) to well after the last. It depends on the broken items only, so
    the same breakage gets the same proposals whichever change or channel revealed it."""
    today = today or today_local()
    first = max(today, min(c.item.day for c in conflicts).replace(day=1))
    last = max(c.item.day for c in conflicts) + timedelta(days=SEARCH_DAYS + 31)
    return load_world(district_id, first, last)


def propose(conflicts: list[Conflict], district_id: int | None, *, today: date | None = None) -> list[Conflict]:
    """Give each conflict (of one district, or of all when None) a proposal (``conflict.proposal``); applying
    all of them together breaks nothing."""
    if not conflicts:
        return conflicts
    world = proposal_world(conflicts, district_id, today)
    open_day = open_days(today)
    moves: dict[tuple[str, int], PlannedItem] = {}
    reasons: dict[tuple[str, int], Proposal] = {}
    messages: dict[tuple[str, int], Proposal] = {}  # the areas' own words for their proposals
    # An item inside the minimum notice stays where it is: the people involved were told; only a coordinator
    # moves it, by hand.
    for conflict in conflicts:
        if conflict.item.day < open_day(conflict.item.district_id):
            reasons[conflict.key] = Proposal(None, "none", notice_message(conflict.item, open_day), notice=True)
    movable = [c for c in conflicts if c.key not in reasons]
    wanted = {c.key: c for c in movable}
    for area_propose in plugin_functions("propose"):
        for key, answer in area_propose([c for c in movable if c.key not in moves], world, open_day).items():
            if key not in wanted:
                continue
            if answer.item is not None:
                moves[key] = answer.item
                messages[key] = answer
            else:
                reasons[key] = answer
    hooks = plugin_functions("alternatives")
    reserved = world.replaced(moves)
    for conflict in conflicts:
        key = conflict.key
        if key in moves or key in reasons:
            continue
        for candidate in _alternatives_of(hooks, conflict.item, open_day):
            if not breaches_of([candidate], reserved).get(key):
                moves[key] = candidate
                reserved = reserved.replaced({key: candidate})
                break
    # All together: withdraw any proposal that still breaks a rule with the others applied, until none does.
    while True:
        together = world.replaced(moves)
        bad = breaches_of([moves[k] for k in moves], together)
        bad = {k: v for k, v in bad.items() if v}
        if not bad:
            break
        for key, breaches in bad.items():
            del moves[key]
            reasons[key] = Proposal(None, "none", _("The suggestion found would break a rule: %(why)s",
                                                    why=" ".join(b.message for b in breaches)))
    for conflict in conflicts:
        key = conflict.key
        if key in moves:
            conflict.proposal = messages.get(key) or _proposal_for(conflict.item, moves[key])
            continue
        proposal = reasons.get(key)
        if proposal is None:
            closed = conflict.item.day < open_day(conflict.item.district_id)
            proposal = Proposal(None, "none", notice_message(conflict.item, open_day) if closed else _(
                "No day in the next %(n)s days breaks nothing; move it by hand or cancel it.", n=SEARCH_DAYS),
                notice=closed)
        conflict.proposal = proposal
    return conflicts


def _proposal_for(item: PlannedItem, moved: PlannedItem) -> Proposal:
    changed_person = {p.ref for p in item.people} != {p.ref for p in moved.people}
    if moved.day == item.day and moved.half == item.half and changed_person:
        names = "、".join(p.name for p in moved.people if p.name)
        return Proposal(moved, "other_person", _("%(name)s is free at the same time.", name=names))
    if moved.day == item.day:
        return Proposal(moved, "other_slot", _("Another time on the same day."))
    return Proposal(moved, "other_day", _("The first day from %(day)s where it breaks nothing.",
                                          day=format_day(moved.day)))


__all__ = ["SEARCH_DAYS", "next_days", "notice_message", "open_days", "propose", "proposal_world"]
