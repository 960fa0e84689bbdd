"""The engagements' Excel sheet (集体协商): columns, export (with the computed deadlines), and the import, which
saves each row through the same operation as the form. Rows match existing engagements by enterprise and request
day, so importing an exported file changes nothing."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from trainer.core.extensions import db
from trainer.core.validation import InvalidInput
from trainer.exchange.excel import Sheet
from trainer.exchange.rows import Column, SheetImport
from trainer.instructors.engagements.operations import save_engagement
from trainer.instructors.excel.kinds import SheetKind, cell_texts, districts_by_name, save_rows
from trainer.instructors.models import Engagement, Instructor, Tier

STAGE_CELLS = {"要约已发出": "request_sent", "等待回应": "awaiting_reply", "协商准备": "preparation",
               "协商会议": "sessions", "协议已签订": "signed", "已报送备案": "filed", "已生效": "in_force"}

ENGAGEMENT_COLUMNS = [
    Column("enterprise", "企业", max_length=160, example="北京某某科技有限公司"),
    Column("union_name", "企业工会", max_length=160, example="北京某某科技有限公司工会"),
    Column("district", "所属区", example="朝阳区"),
    Column("industry", "行业", required=False, max_length=60, example="信息技术服务业"),
    Column("street", "街道", required=False, max_length=80, example="望京街道"),
    Column("stage", "阶段", kind="choice", choices=STAGE_CELLS, example="要约已发出"),
    Column("request_sent_on", "要约发出日", kind="date", example="2026-03-02"),
    Column("reply_received_on", "收到回应日", required=False, kind="date"),
    Column("agreement_signed_on", "签订日", required=False, kind="date"),
    Column("filed_on", "报送日", required=False, kind="date"),
    Column("in_force_on", "生效日", required=False, kind="date"),
    Column("instructors", "指导员", required=False, kind="list", example="赵建国、钱兼职"),
    Column("notes", "备注", required=False, max_length=4000),
]
# Computed columns written on export, ignored on import.
ENGAGEMENT_EXTRA = ["回应期限", "报送期限"]
# An operation's fields -> the columns they come from.
ALIASES = {"district_id": "district", "instructor_ids": "instructors"}


def export_engagements(district_id: int | None) -> Sheet:
    stmt = select(Engagement).options(selectinload(Engagement.instructors), selectinload(Engagement.district))
    if district_id is not None:
        stmt = stmt.where(Engagement.district_id == district_id)
    stages = cell_texts(STAGE_CELLS)
    sheet = Sheet("集体协商", [c.header for c in ENGAGEMENT_COLUMNS] + ENGAGEMENT_EXTRA)
    for e in db.session.scalars(stmt.order_by(Engagement.request_sent_on, Engagement.id)):
        sheet.rows.append([e.enterprise, e.union_name, e.district.name, e.industry or "", e.street or "",
                           stages[e.stage], e.request_sent_on, e.reply_received_on, e.agreement_signed_on,
                           e.filed_on, e.in_force_on, "、".join(p.name for p in e.instructors), e.notes or "",
                           e.reply_due, e.filing_due])
    return sheet


def import_engagements(file, district_id: int | None, sheet: str | None = "集体协商") -> tuple[int, int]:
    """Import (create or update) engagements; as ``import_instructors``."""
    districts = districts_by_name()

    def check_district(row: dict) -> dict[str, str]:
        district = districts.get(row["district"] or "")
        if district is None:
            return {"district": _("%(value)s is not a district of Beijing.", value=row["district"])}
        if district_id is not None and district.id != district_id:
            return {"district": _("You can import only your own district's engagements.")}
        row["district_obj"] = district
        return {}

    def save(row: dict) -> bool:
        district = row["district_obj"]
        existing = db.session.scalar(select(Engagement).where(
            Engagement.district_id == district.id, Engagement.enterprise == row["enterprise"],
            Engagement.request_sent_on == row["request_sent_on"]))
        save_engagement(
            existing, district_id=district.id, enterprise=row["enterprise"], union_name=row["union_name"],
            industry=row["industry"], street=row["street"], stage=row["stage"],
            request_sent_on=row["request_sent_on"], reply_received_on=row["reply_received_on"],
            agreement_signed_on=row["agreement_signed_on"], filed_on=row["filed_on"],
            in_force_on=row["in_force_on"], notes=row["notes"], instructors=_instructors_named(row, district))
        return existing is not None

    sheet_rows = SheetImport(file, ENGAGEMENT_COLUMNS, sheet=sheet, validate_row=check_district)
    sheet_rows.check()
    return save_rows(sheet_rows, sheet_rows.rows, save, ALIASES)


def _instructors_named(row: dict, district) -> list[Instructor]:
    """The instructors a row names: each one of the district's or the city's, and only one of that name."""
    people, missing = [], []
    for name in row["instructors"]:
        found = db.session.scalars(select(Instructor).where(Instructor.name == name, (
            Instructor.district_id == district.id) | (Instructor.tier == Tier.CITY_FULL))).all()
        if len(found) == 1:
            people.append(found[0])
        else:
            missing.append(name)
    if missing:
        raise InvalidInput({"instructors": _("No single instructor of the district is named %(names)s.",
                                             names="、".join(missing))})
    return people


SHEET = SheetKind("engagements", "集体协商", ENGAGEMENT_COLUMNS, export_engagements, import_engagements,
                  "instructors.engagements")
