"""The calendar's part of the desk (see trainer/desk): the open conflicts of the district — planned items that
break a rule now (a day no longer a working day, a double booking …) and that nobody chose to keep where they are;
the same list as the conflicts page (trainer/workdays/review)."""

from __future__ import annotations

from datetime import date

from flask import url_for
from flask_babel import gettext as _

from trainer.core.i18n import format_day
from trainer.desk.items import DeskItem
from trainer.org.models import District
from trainer.workdays.changes import Scope, current
from trainer.workdays.conflicts import open_conflicts

SHOWN = 5


def desk_items(district: District, today: date) -> list[DeskItem]:
    _world, found = current(Scope.of(district.id, today=today), with_proposals=False, today=today)
    listed = sorted(open_conflicts(found), key=lambda c: (c.item.day, c.item.start, c.item.label))
    return [DeskItem("conflicts", _("Open calendar conflicts"), len(listed),
                     url_for("workdays.conflicts", district=district.code), order=10,
                     lines=[(f"{format_day(c.item.day)} · {c.item.label} · {c.reason}", c.item.url or None)
                            for c in listed[:SHOWN]])]
