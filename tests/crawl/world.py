"""The world a crawl walks: the demo programme (the loader `make run` uses) committed on the suite's database,
its programmes loaded once more into other districts, a personal API token, a calendar link and a password for
every demo role, and real rows of every kind a page address names (`<int:station_id>` ...)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from tests.crawl.city import CODE as CITY
from tests.crawl.city import load_city
from trainer.auth.models import User
from trainer.auth.operations import create_api_token
from trainer.calendars.models import FeedKind, FeedToken
from trainer.calendars.operations import feed_token, token_secret
from trainer.calendars.sources import Subject
from trainer.core.areas import area_modules
from trainer.core.extensions import db
from trainer.instructors.models import Engagement, Instructor, Meeting, MeetingSeries
from trainer.org.demo import DEMO_PASSWORD, DemoContext, load_demo
from trainer.org.models import District, Station, Union
from trainer.rotation.models import CaseLog, CentreMentor, Certification, PlacementDay, ProgrammeYear, Trainee
from trainer.visits.models import Consultation, Contract, DutyPeriod, Firm, Lawyer, LawyerLeave, Visit
from trainer.workdays.models import CalendarEntry, CalendarYear

# The demo logins the crawl acts as: (role, user name); all but the admin work in Chaoyang.
ROLES = [("admin", "admin"), ("coordinator", "chaoyang"), ("lawyer", "lawyer.wang"), ("trainee", "trainee.li"),
         ("instructor", "instructor.zhao")]
HOME = "chaoyang"


def _district(attr: str):
    return lambda row: getattr(row, attr)


# A page address's integer argument -> the rows it names: (model, the row's district, the other arguments the
# same address takes from that row). A district of None is a city-level row (a city instructor, a calendar
# entry): everyone allowed on the page may see it.
KINDS = {
    "user_id": (User, lambda row: row.district_id or -1, {}),  # the admin's own account is nobody else's
    "union_id": (Union, _district("district_id"), {}),
    "station_id": (Station, _district("district_id"), {}),
    "firm_id": (Firm, _district("district_id"), {}),
    "contract_id": (Contract, lambda row: row.firm.district_id, {}),
    "lawyer_id": (Lawyer, _district("district_id"), {}),
    "leave_id": (LawyerLeave, lambda row: row.lawyer.district_id, {"lawyer_id": "lawyer_id"}),
    "visit_id": (Visit, _district("district_id"), {}),
    "consultation_id": (Consultation, _district("district_id"), {}),
    "period_id": (DutyPeriod, _district("district_id"), {}),
    "year_id": (ProgrammeYear, _district("district_id"), {}),
    "mentor_id": (CentreMentor, lambda row: row.programme_year.district_id,
                  {"year_id": "programme_year_id", "mentor_id": "mentor_id"}),
    "trainee_id": (Trainee, _district("district_id"), {}),
    "day_id": (PlacementDay, _district("district_id"), {}),
    "case_id": (CaseLog, _district("district_id"), {}),
    "certification_id": (Certification, _district("district_id"), {}),
    "instructor_id": (Instructor, _district("district_id"), {}),
    "engagement_id": (Engagement, _district("district_id"), {}),
    "series_id": (MeetingSeries, _district("district_id"), {}),
    "meeting_id": (Meeting, _district("district_id"), {}),
    "token_id": (FeedToken, lambda row: row.user.district_id, {}),  # a calendar link: its owner's only
    "entry_id": (CalendarEntry, lambda row: None, {}),
    "year": (CalendarYear, lambda row: None, {"year": "year"}),
}


@dataclass
class Sample:
    """The values of one page address's arguments, taken from one real row."""

    values: dict
    district_id: int | None  # the row's district; None: a city-level row


@dataclass
class World:
    tokens: dict[str, str]  # role -> API token secret
    users: dict[str, User]
    feeds: dict[str, str]  # role -> the secret of their own calendar link
    home_id: int  # the district of the crawl's coordinator
    password: str = DEMO_PASSWORD


PERSONAL = {"token_id"}  # records only their owner sees, whatever the role


def load_world(*, city: bool = False) -> World:
    """The demo programme committed, and for every demo role an API token and a calendar link. With ``city``,
    also a district of city size (tests/crawl/city.py), whose coordinator and lawyer are then the crawl's."""
    ctx = load_demo()
    load_again_elsewhere(ctx)
    users = {role: ctx.users[username] for role, username in ROLES}
    home = HOME
    if city:
        users.update(load_city())
        home = CITY
    db.session.commit()
    tokens, feeds = {}, {}
    for role, user in users.items():
        _row, tokens[role] = create_api_token(user, "crawl")
        link = feed_token(user, Subject(FeedKind.USER.value, user.id, user.display_name, user.district_id, user))
        feeds[role] = token_secret(link.nonce)
    db.session.commit()
    return World(tokens=tokens, users=users, feeds=feeds, home_id=District.by_code(home).id)


def load_again_elsewhere(ctx: DemoContext) -> None:
    """The demo's programmes (visits, rotation, instructors) loaded once more by their own loaders, Chaoyang's
    into Xicheng and Xicheng's into Haidian, without logins: every kind of record then exists in a district the
    demo users do not work in, for the crawl to try with their ids."""
    districts = ctx.districts
    elsewhere = DemoContext(districts={**districts, "chaoyang": districts["xicheng"], "xicheng": districts["haidian"]},
                            users={}, unions={"chaoyang": ctx.unions["xicheng"], "xicheng": ctx.unions["haidian"]},
                            stations={"chaoyang": ctx.stations["xicheng"], "xicheng": ctx.stations["haidian"]})
    for module in area_modules("demo", ("visits", "rotation", "instructors")):
        module.load(elsewhere)
        db.session.flush()


def samples(arg: str, first_district_id: int | None = None, *, districts: int = 3) -> list[Sample]:
    """Rows of the kind ``arg`` names: the first of each district (``first_district_id``'s first), up to
    ``districts`` of them, and the first city-level one."""
    model, district_of, others = KINDS[arg]
    found: dict[int | None, Sample] = {}
    for row in db.session.scalars(select(model).order_by(model.id)):
        district_id = district_of(row)
        if district_id not in found and (district_id is None or sum(k is not None for k in found) < districts):
            values = {name: getattr(row, attr) for name, attr in others.items()}
            values.setdefault(arg, row.id)
            found[district_id] = Sample(values, district_id)
            if None in found and len(found) > districts:
                break
    return sorted(found.values(), key=lambda s: (s.district_id != first_district_id, s.district_id or 0))
