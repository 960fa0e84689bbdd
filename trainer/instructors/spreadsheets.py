"""Excel import and export of instructors and engagements (headers in Chinese, like every Trainer sheet).

An import checks every row first (trainer.exchange.excel.read_sheet), then saves each row through the same
operations as the forms; any refusal (a hierarchy rule, a date out of order) is listed with its row, and the
caller rolls the whole file back. Rows match existing records (instructor: name + district; engagement:
enterprise + request day), so exporting and importing the same file changes nothing.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from trainer.core.extensions import db
from trainer.core.validation import InvalidInput
from trainer.exchange.excel import Sheet
from trainer.exchange.rows import Column, RowError, SheetErrors, read_sheet
from trainer.instructors import operations
from trainer.instructors.models import TIERS, Engagement, Instructor, Tier
from trainer.org.models import District

TIER_CELLS = {"市级专职": "city_full", "区级专职": "district_full", "区级兼职": "district_part"}
BACKGROUND_CELLS = {"专家": "expert", "律师": "lawyer", "教师": "teacher", "社会工作者": "social_worker",
                    "企业管理者": "manager"}
STATUS_CELLS = {"在聘": "active", "暂停": "suspended", "已解聘": "ended"}
STAGE_CELLS = {"要约已发出": "request_sent", "等待回应": "awaiting_reply", "协商准备": "preparation",
               "协商会议": "sessions", "协议已签订": "signed", "已报送备案": "filed", "已生效": "in_force"}


def _reverse(mapping: dict[str, str]) -> dict[str, str]:
    return {value: text for text, value in mapping.items()}


INSTRUCTOR_COLUMNS = [
    Column("name", "姓名", max_length=60, example="张伟"),
    Column("tier", "层级", kind="choice", choices=TIER_CELLS, example="区级兼职"),
    Column("district", "所属区", required=False, example="朝阳区"),
    Column("phone", "手机", required=False, kind="mobile", example="13800138000"),
    Column("background", "背景", kind="choice", choices=BACKGROUND_CELLS, example="律师"),
    Column("specialities", "擅长行业", required=False, kind="list", example="建筑业、制造业"),
    Column("term_from", "聘任起", required=False, kind="date", example="2026-01-01"),
    Column("term_to", "聘任止", required=False, kind="date", example="2027-12-31"),
    Column("status", "状态", required=False, kind="choice", choices=STATUS_CELLS, example="在聘"),
    Column("guide", "指导人", required=False, max_length=60, example="赵建国"),
]
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


def _districts() -> dict[str, District]:
    found = {}
    for district in db.session.scalars(select(District)):
        found[district.name] = found[district.code] = found[district.name_en] = district
        found[district.name.removesuffix("区")] = district
    return found


def _header(columns, key: str) -> str:
    return next((c.header for c in columns if c.key == key), "")


def _row_errors(columns, row: int, error: InvalidInput) -> list[RowError]:
    aliases = {"guide_id": "guide", "district_id": "district", "instructor_ids": "instructors", "user_id": ""}
    if not error.fields:
        return [RowError(row, "", error.message)]
    return [RowError(row, _header(columns, aliases.get(key, key)), message) for key, message in error.fields.items()]


# --- instructors ------------------------------------------------------------------------------------------

def export_instructors(district_id: int | None) -> Sheet:
    stmt = operations.visible_instructors_stmt(district_id) if district_id is None else select(Instructor).where(
        Instructor.district_id == district_id)
    rows = db.session.scalars(stmt.options(selectinload(Instructor.guide), selectinload(Instructor.district))).all()
    rows = sorted(rows, key=lambda r: (TIERS.index(r.tier), r.district.sort_order if r.district else -1, r.name))
    tiers, backgrounds, statuses = _reverse(TIER_CELLS), _reverse(BACKGROUND_CELLS), _reverse(STATUS_CELLS)
    sheet = Sheet("指导员", [c.header for c in INSTRUCTOR_COLUMNS])
    for r in rows:
        sheet.rows.append([r.name, tiers[r.tier], r.district.name if r.district else "", r.phone or "",
                           backgrounds[r.background], "、".join(r.specialities or []), r.term_from, r.term_to,
                           statuses[r.status], r.guide.name if r.guide else ""])
    return sheet


def import_instructors(file, district_id: int | None, sheet: str | None = "指导员") -> tuple[int, int]:
    """Import (create or update) instructors. ``district_id``: the coordinator's district (None: the admin).
    Returns (created, updated). Raises SheetErrors listing every bad row; the caller rolls back."""
    districts = _districts()

    def check_district(row: dict) -> dict[str, str]:
        row["district_id"] = None
        if row["tier"] == Tier.CITY_FULL:
            if district_id is not None:
                return {"tier": _("City instructors are managed by the city federation.")}
            return {}
        district = districts.get(row["district"] or "")
        if district is None:
            return {"district": _("%(value)s is not a district of Beijing.", value=row["district"] or "—")}
        if district_id is not None and district.id != district_id:
            return {"district": _("You can import only your own district's instructors.")}
        row["district_id"] = district.id
        return {}

    rows = read_sheet(file, INSTRUCTOR_COLUMNS, sheet=sheet, validate_row=check_district)
    errors: list[RowError] = []
    created = updated = 0
    # Guides first: city, then district full-time, then part-time.
    for row in sorted(rows, key=lambda r: (TIERS.index(r["tier"]), r["_row"])):
        existing = db.session.scalar(select(Instructor).where(Instructor.name == row["name"],
                                                              Instructor.district_id.is_(None)
                                                              if row["district_id"] is None
                                                              else Instructor.district_id == row["district_id"]))
        try:
            guide = _find_guide(row) if row["guide"] else None
            operations.save_instructor(
                existing, tier=row["tier"], district_id=row["district_id"], name=row["name"],
                background=row["background"], phone=row["phone"], specialities=row["specialities"],
                term_from=row["term_from"], term_to=row["term_to"], status=row["status"] or "active",
                guide=guide, user_id=existing.user_id if existing else None,
                notes=existing.notes if existing else None)
        except InvalidInput as error:
            errors.extend(_row_errors(INSTRUCTOR_COLUMNS, row["_row"], error))
            continue
        if existing is None:
            created += 1
        else:
            updated += 1
    if errors:
        raise SheetErrors(sorted(errors, key=lambda e: e.row))
    return created, updated


def _find_guide(row: dict) -> Instructor:
    wanted_tier = {"district_full": Tier.CITY_FULL, "district_part": Tier.DISTRICT_FULL}.get(row["tier"])
    stmt = select(Instructor).where(Instructor.name == row["guide"])
    candidates = db.session.scalars(stmt).all()
    if row["tier"] == Tier.DISTRICT_PART:
        same = [c for c in candidates if c.district_id == row["district_id"]]
        candidates = same or candidates
    if wanted_tier:
        fitting = [c for c in candidates if c.tier == wanted_tier]
        candidates = fitting or candidates
    if not candidates:
        raise InvalidInput({"guide": _("No instructor named %(name)s (put guides above the people they guide, "
                                       "or create them first).", name=row["guide"])})
    if len(candidates) > 1:
        raise InvalidInput({"guide": _("More than one instructor is named %(name)s.", name=row["guide"])})
    return candidates[0]


# --- engagements ------------------------------------------------------------------------------------------

def export_engagements(district_id: int | None) -> Sheet:
    stmt = select(Engagement).options(selectinload(Engagement.instructors), selectinload(Engagement.district))
    if district_id is not None:
        stmt = stmt.where(Engagement.district_id == district_id)
    stages = _reverse(STAGE_CELLS)
    sheet = Sheet("集体协商", [c.header for c in ENGAGEMENT_COLUMNS] + ENGAGEMENT_EXTRA)
    for e in db.session.scalars(stmt.order_by(Engagement.request_sent_on, Engagement.id)):
        sheet.rows.append([e.enterprise, e.union_name, e.district.name, e.industry or "", e.street or "",
                           stages[e.stage], e.request_sent_on, e.reply_received_on, e.agreement_signed_on,
                           e.filed_on, e.in_force_on, "、".join(p.name for p in e.instructors), e.notes or "",
                           e.reply_due, e.filing_due])
    return sheet


def import_engagements(file, district_id: int | None, sheet: str | None = "集体协商") -> tuple[int, int]:
    districts = _districts()

    def check_district(row: dict) -> dict[str, str]:
        district = districts.get(row["district"] or "")
        if district is None:
            return {"district": _("%(value)s is not a district of Beijing.", value=row["district"])}
        if district_id is not None and district.id != district_id:
            return {"district": _("You can import only your own district's engagements.")}
        row["district_obj"] = district
        return {}

    rows = read_sheet(file, ENGAGEMENT_COLUMNS, sheet=sheet, validate_row=check_district)
    errors: list[RowError] = []
    created = updated = 0
    for row in rows:
        district = row["district_obj"]
        people, missing = [], []
        for name in row["instructors"]:
            found = db.session.scalars(select(Instructor).where(Instructor.name == name, (
                Instructor.district_id == district.id) | (Instructor.tier == Tier.CITY_FULL))).all()
            if len(found) == 1:
                people.append(found[0])
            else:
                missing.append(name)
        if missing:
            errors.append(RowError(row["_row"], "指导员", _("No single instructor of the district is named %(names)s.",
                                                             names="、".join(missing))))
            continue
        existing = db.session.scalar(select(Engagement).where(
            Engagement.district_id == district.id, Engagement.enterprise == row["enterprise"],
            Engagement.request_sent_on == row["request_sent_on"]))
        try:
            operations.save_engagement(
                existing, district_id=district.id, enterprise=row["enterprise"], union_name=row["union_name"],
                industry=row["industry"], street=row["street"], stage=row["stage"],
                request_sent_on=row["request_sent_on"], reply_received_on=row["reply_received_on"],
                agreement_signed_on=row["agreement_signed_on"], filed_on=row["filed_on"],
                in_force_on=row["in_force_on"], notes=row["notes"], instructors=people)
        except InvalidInput as error:
            errors.extend(_row_errors(ENGAGEMENT_COLUMNS, row["_row"], error))
            continue
        if existing is None:
            created += 1
        else:
            updated += 1
    if errors:
        raise SheetErrors(errors)
    return created, updated
