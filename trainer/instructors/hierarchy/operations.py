"""Instructors and the three-tier hierarchy: who guides whom, and the instructors' accounts. Callers commit.

Every rule of the hierarchy lives in ``check_guide``: the web form, the API, the importers and the programme file
all go through ``save_instructor``/``set_guide``, so each refusal carries the same message, naming the rule.
"""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from trainer.auth.models import Role, User
from trainer.auth.operations import create_user
from trainer.core.concurrency import check_version
from trainer.core.extensions import db
from trainer.core.validation import InvalidInput
from trainer.instructors.labels import tier_label
from trainer.instructors.models import BACKGROUNDS, INSTRUCTOR_STATUSES, TIERS, Instructor, Tier

# The account form's fields, as create_user names them.
ACCOUNT_FIELDS = {"username": "new_username", "password": "new_password"}


def check_guide(instructor: Instructor, guide: Instructor | None, *, tier: str, district_id: int | None) -> None:
    """Raise InvalidInput({"guide_id": ...}) naming the rule the link would break."""
    if tier == Tier.CITY_FULL:
        if guide is not None:
            raise InvalidInput({"guide_id": _("Rule: a city full-time instructor is guided by no one; "
                                              "leave the guide empty.")})
        return
    if guide is None:
        if tier == Tier.DISTRICT_FULL:
            message = _("Rule: every district full-time instructor is guided by one city full-time instructor; "
                        "choose one.")
        else:
            message = _("Rule: every part-time instructor is linked to a full-time instructor of the same "
                        "district; choose one.")
        raise InvalidInput({"guide_id": message})
    if instructor.id is not None and guide.id == instructor.id:
        raise InvalidInput({"guide_id": _("Rule: an instructor cannot guide themselves.")})
    if tier == Tier.DISTRICT_FULL and guide.tier != Tier.CITY_FULL:
        raise InvalidInput({"guide_id": _(
            "Rule: a district full-time instructor is guided by a city full-time instructor; %(name)s is %(tier)s.",
            name=guide.name, tier=tier_label(guide.tier))})
    if tier == Tier.DISTRICT_PART:
        if guide.tier == Tier.CITY_FULL:
            raise InvalidInput({"guide_id": _(
                "Rule: a part-time instructor cannot be placed directly under a city instructor (%(name)s); "
                "link them to a district full-time instructor of their district.", name=guide.name)})
        if guide.tier != Tier.DISTRICT_FULL:
            raise InvalidInput({"guide_id": _(
                "Rule: a part-time instructor is linked to a district full-time instructor; %(name)s is %(tier)s.",
                name=guide.name, tier=tier_label(guide.tier))})
        if guide.district_id != district_id:
            raise InvalidInput({"guide_id": _(
                "Rule: a part-time instructor is linked to a full-time instructor of the same district; "
                "%(name)s works in %(district)s.", name=guide.name,
                district=guide.district.name if guide.district else "—")})
    if guide.status == "ended":
        raise InvalidInput({"guide_id": _("Rule: the guide must be a serving instructor; %(name)s's term has ended.",
                                          name=guide.name)})
    # No cycles: walk up from the guide; meeting the instructor again would close a loop.
    seen: list[str] = [instructor.name or "?"]
    current: Instructor | None = guide
    steps = 0
    while current is not None and steps < 50:
        seen.append(current.name)
        if instructor.id is not None and current.id == instructor.id:
            raise InvalidInput({"guide_id": _("Rule: the hierarchy has no cycles; this link would make one: "
                                              "%(chain)s.", chain=" → ".join(seen))})
        current = current.guide
        steps += 1


def _check_tier_change(instructor: Instructor, tier: str, district_id: int | None) -> None:
    """Someone who guides others keeps tier and district until they are moved (the rules hold for them too)."""
    if instructor.id is None or (instructor.tier == tier and instructor.district_id == district_id):
        return
    guided = [g for g in instructor.guided]
    if guided:
        raise InvalidInput({"tier": _(
            "%(name)s guides %(n)s instructor(s) (%(names)s); link them to another guide before changing "
            "the tier or district.", name=instructor.name, n=len(guided),
            names="、".join(g.name for g in guided[:5]))})


def save_instructor(instructor: Instructor | None, *, tier: str, district_id: int | None, name: str,
                    background: str, phone: str | None = None, specialities: list[str] | None = None,
                    term_from: date | None = None, term_to: date | None = None, status: str = "active",
                    guide: Instructor | None = None, user_id: int | None = None, notes: str | None = None,
                    version: int | None = None) -> Instructor:
    errors: dict[str, str] = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = _("Enter the instructor's name.")
    if tier not in TIERS:
        errors["tier"] = _("Unknown tier.")
    if background not in BACKGROUNDS:
        errors["background"] = _("Unknown background.")
    if status not in INSTRUCTOR_STATUSES:
        errors["status"] = _("Unknown status.")
    if tier == Tier.CITY_FULL:
        district_id = None
    elif tier in TIERS and not district_id:
        errors["district_id"] = _("Rule: a district instructor belongs to a district; choose it.")
    if term_from and term_to and term_to < term_from:
        errors["term_to"] = _("The appointment ends before it starts.")
    if errors:
        raise InvalidInput(errors)
    if instructor is None:
        instructor = Instructor()
    else:
        check_version(instructor, version)
        _check_tier_change(instructor, tier, district_id)
    check_guide(instructor, guide, tier=tier, district_id=district_id)
    if user_id:
        _check_account(instructor, user_id)
    if instructor.id is None:
        db.session.add(instructor)
    instructor.tier, instructor.district_id, instructor.name = tier, district_id, name
    instructor.background, instructor.status = background, status
    instructor.phone = (phone or "").strip() or None
    instructor.specialities = _clean_list(specialities)
    instructor.term_from, instructor.term_to = term_from, term_to
    instructor.user_id = user_id or None
    instructor.notes = (notes or "").strip() or None
    _link(instructor, guide)
    db.session.flush()
    return instructor


def save_with_account(instructor: Instructor | None, *, new_username: str | None = None,
                      new_password: str | None = None, **fields) -> Instructor:
    """The instructor form's save: when a new user name is given, the instructor's login is created first (role
    instructor, in the instructor's district) and linked to the record."""
    if new_username:
        fields["user_id"] = create_account(username=new_username, password=new_password,
                                           display_name=fields.get("name") or "",
                                           district_id=fields.get("district_id"), phone=fields.get("phone")).id
    return save_instructor(instructor, **fields)


def create_account(*, username: str, password: str | None, display_name: str, district_id: int | None,
                   phone: str | None = None) -> User:
    """A login with the instructor role; refusals name the form's account fields."""
    if not password:
        raise InvalidInput({"new_password": _("Set a first password for the new account.")})
    try:
        return create_user(username=username, display_name=display_name, role=Role.INSTRUCTOR, password=password,
                           district_id=district_id, phone=phone or None)
    except InvalidInput as error:
        raise InvalidInput({ACCOUNT_FIELDS.get(key, key): message for key, message in error.fields.items()},
                           error.message) from None


def _check_account(instructor: Instructor, user_id: int) -> None:
    user = db.session.get(User, user_id)
    if user is None or user.role not in (Role.INSTRUCTOR, Role.LAWYER):
        raise InvalidInput({"user_id": _("Choose an instructor's account, or the lawyer's own for a lawyer who also "
                                         "instructs.")})
    taken = db.session.scalar(select(Instructor).where(Instructor.user_id == user_id))
    if taken is not None and taken is not instructor:
        raise InvalidInput({"user_id": _("This account already belongs to %(name)s.", name=taken.name)})


def _link(instructor: Instructor, guide: Instructor | None) -> None:
    instructor.guide = guide
    instructor.guide_id = guide.id if guide is not None else None
    instructor.guide_tier = guide.tier if guide is not None else None
    instructor.guide_district_id = guide.district_id if guide is not None and guide.tier != Tier.CITY_FULL else None


def set_guide(instructor: Instructor, guide: Instructor | None, version: int | None = None) -> Instructor:
    """Change only the hierarchy link (the org chart's and the API's move)."""
    check_version(instructor, version)
    check_guide(instructor, guide, tier=instructor.tier, district_id=instructor.district_id)
    _link(instructor, guide)
    db.session.flush()
    return instructor


def _clean_list(values) -> list[str]:
    seen, result = set(), []
    for value in values or []:
        value = str(value).strip()
        if value and value not in seen:
            seen.add(value)
            result.append(value)
    return result
