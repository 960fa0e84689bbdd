"""The session hook that tells people what changed in their agenda, whatever path the change took.

Every flush notes the agenda rows it touches (station visits, duty shifts, placement days, meetings, bargaining
sessions) with their values as the transaction found them (read from the database the first time a row is
touched, so intermediate states, e.g. a visit parked while two swap, never show). At commit the rows are compared
with what they are now, and, in the same transaction:

- each person (trainer.agenda: all their records and login accounts) whose item was added, changed or cancelled
  with its old or new day between today and ``NOTICE_DAYS_AHEAD`` (30) days ahead gets one ``Notice`` listing
  every item of theirs that commit touched, and a ``NoticeMail`` when mail is on and they have an address;
- each station's contact (``Station.contact_email``) gets one ``NoticeMail`` for that station's visits.

After the commit the mails are sent (``trainer.notices.mail``); a rollback forgets everything.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from flask import current_app, has_app_context
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session

from trainer.agenda import Commitment, people_of
from trainer.agenda.items import BUILDERS
from trainer.auth.models import User
from trainer.core.clock import today_local
from trainer.instructors.models import BargainingSession, Meeting
from trainer.notices import mail
from trainer.notices.models import Notice, NoticeMail
from trainer.org.models import Station
from trainer.rotation.models import PlacementDay
from trainer.visits.models import DutyShift, Visit

WATCHED = {
    Visit: ("status", "day", "half", "lawyer_id", "station_id"),
    DutyShift: ("status", "day", "shift_code", "lawyer_id", "period_id"),
    PlacementDay: ("status", "day", "mentor_id", "placement_id", "number"),
    Meeting: ("status", "day", "start_time", "end_time", "location", "organiser_id", "title"),
    BargainingSession: ("status", "day", "start_time", "end_time", "location", "engagement_id"),
}
WATCH, MAILS = "notice_watch", "notice_mails"


class _Before:
    """A row as the transaction found it: the watched columns from the database, the rest from the row
    (relationships are reloaded by id where the ids differ, see trainer.agenda.items)."""

    def __init__(self, row, values: dict):
        self.__dict__["_row"], self.__dict__["_values"] = row, values

    def __getattr__(self, name):
        values = self.__dict__["_values"]
        return values[name] if name in values else getattr(self.__dict__["_row"], name)


@event.listens_for(Session, "before_flush")
def _note_rows(session: Session, flush_context, instances) -> None:
    if not has_app_context():
        return
    watch = session.info.setdefault(WATCH, {})
    unseen: dict[type, dict[int, object]] = defaultdict(dict)
    for obj in session.new:
        if type(obj) in WATCHED and obj not in watch:
            watch[obj] = None
    for obj in list(session.dirty) + list(session.deleted):
        if type(obj) in WATCHED and obj not in watch and obj.id is not None:
            unseen[type(obj)][obj.id] = obj
    for model, rows in unseen.items():
        columns = WATCHED[model]
        for values in session.execute(select(model.id, *(getattr(model, c) for c in columns))
                                      .where(model.id.in_(list(rows)))):
            watch[rows[values[0]]] = dict(zip(columns, values[1:], strict=True))


@event.listens_for(Session, "before_commit")
def _write_notices(session: Session) -> None:
    if not session.info.get(WATCH) or not has_app_context():
        return
    session.flush()  # the last changes are noted too
    watch = session.info.pop(WATCH, {})
    mails = write_notices(session, watch)
    if mails:
        session.info.setdefault(MAILS, []).extend(mails)


@event.listens_for(Session, "after_commit")
def _send_after_commit(session: Session) -> None:
    session.info.pop(WATCH, None)
    mails = session.info.pop(MAILS, None)
    if mails and has_app_context():
        mail.send_now([inspect(m).identity[0] for m in mails if inspect(m).identity])


@event.listens_for(Session, "after_soft_rollback")
def _forget(session: Session, previous_transaction) -> None:
    if not session.in_transaction():
        session.info.pop(WATCH, None)
        session.info.pop(MAILS, None)


# ------------------------------------------------------------------------------------------------ the change

@dataclass
class Change:
    """One item of one person's agenda: what it was and what it is (None: not there, or not on)."""

    before: Commitment | None
    after: Commitment | None

    @property
    def kind(self) -> str:
        if self.before is None:
            return "added"
        return "cancelled" if self.after is None else "changed"

    @property
    def days(self) -> list[date]:
        return [c.day for c in (self.before, self.after) if c is not None]

    def text(self) -> str:
        if self.kind == "added":
            return _("Added: %(item)s", item=self.after.label)
        if self.kind == "cancelled":
            return _("Cancelled: %(item)s", item=self.before.label)
        return _("Changed: %(before)s → %(after)s", before=self.before.label, after=self.after.label)

    @property
    def url(self) -> str:
        return (self.after or self.before).url


def _same(a: Commitment, b: Commitment) -> bool:
    return (a.start, a.end, a.what, a.where) == (b.start, b.end, b.what, b.where)


def _changes(watch: dict) -> dict[tuple[str, int], list[Change]]:
    """Per record (("lawyer", 7), ("mentor", 2) …), the changes of its items, in the current language."""
    out: dict[tuple[str, int], list[Change]] = defaultdict(list)
    for row, values in watch.items():
        state = inspect(row)
        build = BUILDERS[type(row)]
        before = build(_Before(row, values)) if values is not None else []
        after = [] if state.deleted or state.was_deleted or state.detached else build(row)
        if values is None and state.transient:
            continue
        olds = {(c.role, c.role_id): c for c in before}
        news = {(c.role, c.role_id): c for c in after}
        for node in olds.keys() | news.keys():
            old, new = olds.get(node), news.get(node)
            if old is not None and new is not None and _same(old, new):
                continue
            out[node].append(Change(old, new))
    return out


def _in_window(changes: dict, first: date, last: date) -> dict:
    kept = {node: [c for c in items if any(first <= d <= last for d in c.days)] for node, items in changes.items()}
    return {node: items for node, items in kept.items() if items}


def _near(watch: dict, first: date, last: date) -> dict:
    """The rows whose day, before or now, is in the window (a day's margin each side: a night shift reaches into
    the next day): a year planned at once has its ten thousand rows far off, and none of them is told."""
    low, high = first - timedelta(days=1), last + timedelta(days=1)

    def days(row, values) -> list[date]:
        state = inspect(row)
        now = [] if state.deleted or state.was_deleted or state.detached else [row.day]
        return now + ([values["day"]] if values is not None else [])

    return {row: values for row, values in watch.items() if any(low <= d <= high for d in days(row, values))}


def write_notices(session: Session, watch: dict) -> list[NoticeMail]:
    """The notices and e-mails of one commit (added to the session); returns the e-mails to send after it."""
    today = today_local()
    last = today + timedelta(days=int(current_app.config.get("NOTICE_DAYS_AHEAD", 30)))
    default = current_app.config.get("BABEL_DEFAULT_LOCALE", "zh")
    with session.no_autoflush:
        watch = _near(watch, today, last)
        with force_locale(default):
            changes = _in_window(_changes(watch), today, last)
        if not changes:
            return []
        people = people_of(changes)
        user_ids = {u for person in people.values() for u in person.user_ids}
        users = {u.id: u for u in session.scalars(select(User).where(User.id.in_(user_ids), User.active))} \
            if user_ids else {}
        by_locale: dict[str, dict] = {default: changes}
        mails: list[NoticeMail] = []
        for user in sorted(users.values(), key=lambda u: u.id):
            locale = user.locale or default
            if locale not in by_locale:
                with force_locale(locale):
                    by_locale[locale] = _in_window(_changes(watch), today, last)
            mine = _of_user(user, people, by_locale[locale])
            if not mine:
                continue
            with force_locale(locale):
                notice = Notice(user_id=user.id, subject=_("Your schedule changed: %(n)s item(s)", n=len(mine)),
                                items=[{"change": c.kind, "text": c.text(), "url": c.url} for c in mine])
                session.add(notice)
                if current_app.config.get("MAIL_ENABLED") and user.email:
                    mails.append(mail.person_mail(notice, user))
        if current_app.config.get("MAIL_ENABLED"):
            mails += _station_mails(session, changes, default)
    for item in mails:
        session.add(item)
    return mails


def _of_user(user: User, people: dict, changes: dict) -> list[Change]:
    """The user's changes: those of every record of their person, each item once, in time order."""
    seen, mine = set(), []
    for node, items in changes.items():
        if user.id not in people[node].user_ids:
            continue
        for change in items:
            key = (change.before or change.after).key
            if key not in seen:
                seen.add(key)
                mine.append(change)
    return sorted(mine, key=lambda c: min(c.days))


def _station_mails(session: Session, changes: dict, locale: str) -> list[NoticeMail]:
    """One e-mail per station whose contact has an address, listing that station's changed visits."""
    per_station: dict[int, dict] = defaultdict(dict)
    for (role, _ident), items in changes.items():
        for change in items:
            for item in (change.before, change.after):
                if role == "lawyer" and item is not None and item.kind == "visit":
                    per_station[int(item.scope.split(":")[1])][item.key] = change
    if not per_station:
        return []
    stations = session.scalars(select(Station).where(Station.id.in_(list(per_station)),
                                                     Station.contact_email.is_not(None))).all()
    with force_locale(locale):
        return [mail.station_mail(station, sorted(per_station[station.id].values(), key=lambda c: min(c.days)))
                for station in stations if station.contact_email]
