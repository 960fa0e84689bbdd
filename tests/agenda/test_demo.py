"""The demo keeps the rule: nobody is in two places at once across the programmes. lawyer.wang (王建华) is on the
telephone duty roster and mentors at the centre as 王律师; the planners, not hand edits, keep the two apart."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from trainer.agenda import clashes_of, person_of
from trainer.auth.models import User
from trainer.core.extensions import db
from trainer.rotation.models import PlacementDay
from trainer.visits.models import DutyShift, Visit
from trainer.workdays.conflicts import find_conflicts, load_world


@pytest.mark.slow
def test_the_demo_has_no_clash_across_programmes(app):
    from trainer.org.demo import load_demo

    load_demo()
    db.session.commit()
    wang = db.session.scalar(select(User).where(User.username == "lawyer.wang"))
    person = person_of("user", wang.id)
    assert person.lawyer_ids and person.mentor_ids  # one person, two programmes
    shifts = db.session.scalars(select(DutyShift).where(DutyShift.status == "planned",
                                                        DutyShift.lawyer_id.in_(person.lawyer_ids))).all()
    days = db.session.scalars(select(PlacementDay).where(PlacementDay.status == "planned",
                                                         PlacementDay.mentor_id.in_(person.mentor_ids))).all()
    assert shifts and days
    for row in list(shifts) + list(days):
        assert clashes_of(row) == [], [c.message() for c in clashes_of(row)]
    # Nobody else either: every planned shift, mentoring day and visit of the demo is clear.
    for model, active in ((DutyShift, DutyShift.status == "planned"), (PlacementDay, PlacementDay.status == "planned"),
                          (Visit, Visit.status == "planned")):
        for row in db.session.scalars(select(model).where(active)):
            assert clashes_of(row) == [], [c.message() for c in clashes_of(row)]
    # And the conflicts page agrees: no item of the demo breaks the rule across programmes (nor double-books).
    world = load_world(None, min(d.day for d in days), max(d.day for d in days) + timedelta(days=120))
    assert [c.item.label for c in find_conflicts(world) if c.rules & {"other_programme", "double_booked"}] == []
