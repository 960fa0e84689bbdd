"""The instructors' Excel sheet (指导员): columns, export, and the import, which saves each row through the same
operation as the form. Rows match existing instructors by name and district, so importing an exported file
changes nothing."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from trainer.core.extensions import db
from trainer.core.names import name_key
from trainer.core.validation import InvalidInput
from trainer.exchange.excel import Sheet
from trainer.exchange.rows import Column, SheetImport
from trainer.instructors.access import may_write
from trainer.instructors.excel.kinds import SheetKind, cell_texts, districts_by_name, save_rows
from trainer.instructors.hierarchy.operations import save_instructor
from trainer.instructors.models import TIERS, Instructor, Tier

TIER_CELLS = {"市级专职": "city_full", "区级专职": "district_full", "区级兼职": "district_part"}
BACKGROUND_CELLS = {"专家": "expert", "律师": "lawyer", "教师": "teacher", "社会工作者": "social_worker",
                    "企业管理者": "manager"}
STATUS_CELLS = {"在聘": "active", "暂停": "suspended", "已解聘": "ended"}

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
# An operation's fields -> the columns they come from.
ALIASES = {"guide_id": "guide", "district_id": "district"}


def export_instructors(district_id: int | None) -> Sheet:
    stmt = select(Instructor)
    if district_id is not None:
        stmt = stmt.where(Instructor.district_id == district_id)
    rows = db.session.scalars(stmt.options(selectinload(Instructor.guide), selectinload(Instructor.district))).all()
    rows = sorted(rows, key=lambda r: (TIERS.index(r.tier), r.district.sort_order if r.district else -1,
                                       name_key(r.name)))
    tiers, backgrounds, statuses = cell_texts(TIER_CELLS), cell_texts(BACKGROUND_CELLS), cell_texts(STATUS_CELLS)
    sheet = Sheet("指导员", [c.header for c in INSTRUCTOR_COLUMNS])
    for r in rows:
        sheet.rows.append([r.name, tiers[r.tier], r.district.name if r.district else "", r.phone or "",
                           backgrounds[r.background], "、".join(r.specialities or []), r.term_from, r.term_to,
                           statuses[r.status], r.guide.name if r.guide else ""])
    return sheet


def import_instructors(file, district_id: int | None, sheet: str | None = "指导员") -> tuple[int, int]:
    """Import (create or update) instructors. ``district_id``: the district the user is confined to (None: the
    whole city). Returns (created, updated); raises SheetErrors listing every bad row (run it in ``run_import``)."""
    districts = districts_by_name()

    def check_district(row: dict) -> dict[str, str]:
        row["district_id"] = None
        if row["tier"] == Tier.CITY_FULL:
            if not may_write(Tier.CITY_FULL, None, district_id):
                return {"tier": _("City instructors are managed by the city federation.")}
            return {}
        district = districts.get(row["district"] or "")
        if district is None:
            return {"district": _("%(value)s is not a district of Beijing.", value=row["district"] or "—")}
        if not may_write(row["tier"], district.id, district_id):
            return {"district": _("You can import only your own district's instructors.")}
        row["district_id"] = district.id
        return {}

    def save(row: dict) -> bool:
        existing = db.session.scalar(select(Instructor).where(Instructor.name == row["name"],
                                                              Instructor.district_id.is_(None)
                                                              if row["district_id"] is None
                                                              else Instructor.district_id == row["district_id"]))
        save_instructor(
            existing, tier=row["tier"], district_id=row["district_id"], name=row["name"],
            background=row["background"], phone=row["phone"], specialities=row["specialities"],
            term_from=row["term_from"], term_to=row["term_to"], status=row["status"] or "active",
            guide=_find_guide(row) if row["guide"] else None, user_id=existing.user_id if existing else None,
            notes=existing.notes if existing else None)
        return existing is not None

    sheet_rows = SheetImport(file, INSTRUCTOR_COLUMNS, sheet=sheet, validate_row=check_district)
    sheet_rows.check()
    # Guides first: city, then district full-time, then part-time.
    rows = sorted(sheet_rows.rows, key=lambda r: (TIERS.index(r["tier"]), r["_row"]))
    return save_rows(sheet_rows, rows, save, ALIASES)


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


SHEET = SheetKind("instructors", "指导员", INSTRUCTOR_COLUMNS, export_instructors, import_instructors,
                  "instructors.index")
