"""/api/v1/workdays: a year's calendar, one date, the working days of a range; notices for the admin."""

from __future__ import annotations

from datetime import timedelta

from flask import abort
from flask_babel import gettext as _
from flask_login import current_user
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from trainer.api import Blueprint
from trainer.api.schemas import ERROR_RESPONSES
from trainer.auth.permissions import ANY_USER, allow
from trainer.exchange.rows import run_import
from trainer.workdays import library, operations, service
from trainer.workdays.changes import impact_json
from trainer.workdays.models import STATUS_NOT_ANNOUNCED
from trainer.workdays.notice import HolidayRange, entries_as_ranges

blp = Blueprint("workdays_api", __name__, url_prefix="/api/v1/workdays",
                description="The official working-day calendar: holidays, make-up working days, unannounced years")

MAX_RANGE_DAYS = 1100
NOT_ANNOUNCED = {"description": "The year is not announced (or only a draft) and `provisional` was not true; "
                                "`error.code` is `year_not_announced` and the message names the year",
                 "schema": ERROR_RESPONSES[409]["schema"]}


class HolidaySchema(Schema):
    name = fields.Str(metadata={"example": "国庆节"})
    name_en = fields.Str(metadata={"example": "National Day"})
    festival = fields.Str(allow_none=True, metadata={"example": "national_day"})
    start = fields.Date()
    end = fields.Date()


class MakeupSchema(Schema):
    date = fields.Date(metadata={"example": "2026-10-10"})
    name = fields.Str(metadata={"description": "the festival it makes up for", "example": "国庆节"})
    name_en = fields.Str()


class YearSchema(Schema):
    year = fields.Int(metadata={"example": 2026})
    status = fields.Str(metadata={"description": "official | draft | not_announced"})
    provisional = fields.Bool(metadata={"description": "true unless official"})
    estimated = fields.Bool(metadata={"description": "true for a year not announced: its holidays are the "
                                                     "computed festival days (lunar festivals included), make-up "
                                                     "days unknown"})
    source = fields.Str(allow_none=True, metadata={"description": "library | notice | file"})
    notice = fields.Str(allow_none=True)
    working_day_count = fields.Int(metadata={"description": "for a year not announced: the provisional count"})
    holidays = fields.List(fields.Nested(HolidaySchema))
    makeup_workdays = fields.List(fields.Nested(MakeupSchema))


class NoticeAnswerSchema(YearSchema):
    broken = fields.List(fields.Dict(), metadata={
        "description": "the planned items (every programme and district) the new calendar breaks, each with its "
                       "reasons and a proposal: the same objects as GET /api/v1/workdays/conflicts"})


class CheckArgs(Schema):
    date = fields.Date(required=True, metadata={"example": "2026-10-10"})
    provisional = fields.Bool(load_default=False, metadata={"description": "accept a provisional calendar"})


class DaySchema(Schema):
    date = fields.Date()
    working_day = fields.Bool()
    kind = fields.Str(metadata={"description": "holiday | makeup_workday | weekend | workday"})
    name = fields.Str(allow_none=True, metadata={"example": "国庆节"})
    name_en = fields.Str(allow_none=True, metadata={"example": "National Day"})
    status = fields.Str()
    provisional = fields.Bool()


class RangeArgs(Schema):
    from_ = fields.Date(required=True, data_key="from", metadata={"example": "2026-09-28"})
    to = fields.Date(required=True, metadata={"example": "2026-10-31"})
    provisional = fields.Bool(load_default=False, metadata={"description": "accept a provisional calendar"})

    @validates_schema
    def _ordered(self, data, **kwargs):
        if data.get("from_") and data.get("to"):
            if data["from_"] > data["to"]:
                raise ValidationError(_("'from' must not be after 'to'."), "from")
            if data["to"] - data["from_"] > timedelta(days=MAX_RANGE_DAYS):
                raise ValidationError(_("Ask for at most %(n)s days at a time.", n=MAX_RANGE_DAYS), "to")


class RangeSchema(Schema):
    from_ = fields.Date(data_key="from")
    to = fields.Date()
    count = fields.Int()
    provisional = fields.Bool(metadata={"description": "true when any year of the range is not official"})
    days = fields.List(fields.Date())


class NoticeSchema(Schema):
    year = fields.Int(required=True, strict=True, validate=validate.Range(min=2000, max=2100),
                      metadata={"example": 2027})
    source = fields.Str(load_default=None, validate=validate.Length(max=500),
                        metadata={"example": "国务院办公厅关于2027年部分节假日安排的通知"})
    holidays = fields.List(fields.Dict(), required=True, metadata={
        "example": [{"name": "元旦", "name_en": "New Year's Day", "start": "2027-01-01", "end": "2027-01-01"}]})
    makeup_workdays = fields.List(fields.Raw(), load_default=list, metadata={"example": ["2027-02-20"]})
    confirm = fields.Bool(load_default=False, metadata={"description": "confirm as official at once"})


def year_payload(year: int) -> dict:
    cal = service.calendar(year, allow_provisional=True)
    row = operations.year_row(year) if cal.status != STATUS_NOT_ANNOUNCED else None
    if row is not None:
        holidays, makeups = entries_as_ranges(row)
    else:
        holidays, makeups = [], []
        for day in sorted(cal.holidays):  # the provisional fixed-date holidays
            name, name_en = cal.holidays[day]
            if holidays and holidays[-1].name == name and (day - holidays[-1].end).days == 1:
                holidays[-1].end = day
            else:
                holidays.append(HolidayRange(name, name_en, library.festival_key(name), day, day))
    return {
        "year": year, "status": cal.status, "provisional": cal.provisional, "estimated": cal.estimated,
        "source": cal.source,
        "notice": row.notice if row else None, "working_day_count": cal.working_day_count,
        "holidays": [{"name": h.name, "name_en": h.name_en, "festival": h.festival, "start": h.start,
                      "end": h.end} for h in holidays],
        "makeup_workdays": [{"date": m.day, "name": m.name, "name_en": m.name_en} for m in makeups],
    }


@blp.route("/years/<int:year>")
@allow(ANY_USER)
@blp.response(200, YearSchema)
@blp.errors(401, 404)
def get_year(year: int):
    """A year's calendar: status, holidays (as ranges), make-up working days and the number of working days.
    A year not announced answers 200 with `status: not_announced` and the provisional count."""
    if not 2000 <= year <= 2100:
        abort(404)
    return year_payload(year)


@blp.route("/check")
@allow(ANY_USER)
@blp.arguments(CheckArgs, location="query")
@blp.response(200, DaySchema)
@blp.errors(401)
@blp.alt_response(409, **NOT_ANNOUNCED)
@blp.errors(422)
def check(args):
    """Is a date a working day? `GET /api/v1/workdays/check?date=2026-10-10`."""
    info = service.day_info(args["date"], allow_provisional=args["provisional"])
    return {"date": info.day, "working_day": info.working, "kind": info.kind, "name": info.name,
            "name_en": info.name_en, "status": info.status, "provisional": info.provisional}


@blp.route("/range")
@allow(ANY_USER)
@blp.arguments(RangeArgs, location="query")
@blp.response(200, RangeSchema)
@blp.errors(401)
@blp.alt_response(409, **NOT_ANNOUNCED)
@blp.errors(422)
def working_range(args):
    """The working days from `from` to `to` (both included). Refused with 409 when the range reaches a year
    that is not announced, unless `provisional=true`."""
    start, end = args["from_"], args["to"]
    days = service.working_days_between(start, end, allow_provisional=args["provisional"])
    return {"from_": start, "to": end, "count": len(days), "days": days,
            "provisional": service.is_provisional_range(start, end)}


@blp.route("/notices", methods=["POST"])
@allow("admin")
@blp.arguments(NoticeSchema)
@blp.response(201, NoticeAnswerSchema)
@blp.errors(401, 403, 422)
def post_notice(data):
    """Enter a year's notice (same format as the notice file). A draft unless `confirm` is true; for an official
    year it is a correction. Everything is checked first; nothing changes on any error (422 lists each, or says
    that an identical notice was saved at the same moment)."""
    confirm = data.pop("confirm")
    result = run_import(lambda: operations.import_notice(data, source="notice", confirm=confirm, user=current_user))
    answer = year_payload(result.calendar_year.year)
    answer["broken"] = impact_json(result.impact)["broken"] if result.impact else []
    return answer, 201
