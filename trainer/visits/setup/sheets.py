"""The setup's Excel imports (headers in Chinese, like every Trainer sheet): stations (with their union), firms
(with their contract), lawyers, leave.

Each goes through the one row reader (``trainer.exchange.rows.SheetImport``): every row is checked first, then the
rows against each other and the database (duplicate names, unknown firm or lawyer, leave ending before it starts,
overlapping leave), then each row is saved through the same operations as the forms. Any bad row: ``SheetErrors``
listing every bad row with its reason, and nothing is imported (the caller runs the import with
``trainer.exchange.rows.run_import``). Rows match existing records by name, so importing the same file twice
changes nothing the second time.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from trainer.core.extensions import db
from trainer.core.validation import InvalidInput
from trainer.exchange.rows import Column, SheetImport
from trainer.org import operations as org
from trainer.org.models import District, Station, Union
from trainer.visits.models import Contract, Firm, Lawyer
from trainer.visits.setup import leave as leave_ops
from trainer.visits.setup import operations

UNION_KIND_CELLS = {"街道": "street", "地区": "street", "行业": "industry", "功能区": "zone"}


HALF_CELLS = {"上午": "am", "下午": "pm"}


WEEKDAYS_ZH = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}

STATION_COLUMNS = [
    Column("name", "服务站名称", max_length=120, example="八里庄街道工会服务站"),
    Column("union", "所属工会", max_length=120, example="八里庄街道总工会"),
    Column("union_kind", "工会类型", required=False, kind="choice", choices=UNION_KIND_CELLS, example="街道"),
    Column("street", "街道", required=False, max_length=80, example="八里庄街道"),
    Column("address", "地址", max_length=250, example="北京市朝阳区八里庄路1号"),
    Column("receiving", "接待时间", required=False, max_length=200, example="周一上午、周三下午"),
    Column("am_hours", "上午时间", required=False, max_length=11, example="09:00-12:00"),
    Column("pm_hours", "下午时间", required=False, max_length=11, example="14:00-17:00"),
    Column("contact_name", "联系人", required=False, max_length=60, example="刘芳"),
    Column("contact_phone", "联系电话", required=False, max_length=20, example="13901100005"),
    Column("contact_email", "联系人邮箱", required=False, max_length=200, example="liufang@example.cn"),
]


FIRM_COLUMNS = [
    Column("name", "律所名称", max_length=120, example="北京朝信律师事务所"),
    Column("contact_name", "联系人", required=False, max_length=60, example="刘振华"),
    Column("contact_phone", "联系电话", required=False, max_length=20, example="13901012233"),
    Column("address", "地址", required=False, max_length=250, example="北京市朝阳区朝外大街22号"),
    Column("contract_start", "合同开始", required=False, kind="date", example="2026-01-01"),
    Column("contract_end", "合同结束", required=False, kind="date", example="2027-12-31"),
    Column("stations_covered", "服务站数", required=False, kind="int", example=7),
    Column("visits_per_station_month", "每站每月走访次数", required=False, kind="int", example=2),
    Column("hours_per_visit", "每次时长（小时）", required=False, kind="float", example=3),
    Column("reference", "合同编号", required=False, max_length=60, example="CY-2026-01"),
]


LAWYER_COLUMNS = [
    Column("name", "姓名", max_length=60, example="王建华"),
    Column("firm", "律所", max_length=120, example="北京朝信律师事务所"),
    Column("phone", "手机", required=False, kind="mobile", example="13911110001"),
    Column("specialities", "擅长领域", required=False, kind="list", example="劳动争议、工伤赔偿"),
    Column("office_area", "办公地点（街道）", required=False, max_length=80, example="朝外街道"),
]


LEAVE_COLUMNS = [
    Column("lawyer", "律师", max_length=60, example="王建华"),
    Column("firm", "律所", required=False, max_length=120, example="北京朝信律师事务所"),
    Column("start", "开始日期", kind="date", example="2026-12-14"),
    Column("end", "结束日期", kind="date", example="2026-12-18"),
    Column("half", "半天", required=False, kind="choice", choices=HALF_CELLS),
    Column("reason", "事由", required=False, max_length=200, example="外地开庭"),
]


KINDS = {"stations": (STATION_COLUMNS, "服务站"), "firms": (FIRM_COLUMNS, "律所"),
         "lawyers": (LAWYER_COLUMNS, "律师"), "leave": (LEAVE_COLUMNS, "请假")}


def _save_each(sheet: SheetImport, save: Callable[[dict], bool], aliases: dict[str, str] | None = None
               ) -> tuple[int, int]:
    """Save every row through ``save`` (which answers whether the row's record existed before): (created,
    updated), or SheetErrors naming every row an operation refused."""
    created = updated = 0
    for row in sheet.rows:
        try:
            existed = save(row)
        except InvalidInput as error:
            sheet.refused(row, error, aliases)
            continue
        if existed:
            updated += 1
        else:
            created += 1
    sheet.check()
    return created, updated


# ----------------------------------------------------------------------------------------------- stations

def parse_receiving(text: str | None) -> list[str]:
    """"周一上午、周三下午" or "1:am, 3:pm" (0 = Monday) -> ["0:am", "2:pm"]. Empty: Monday–Friday, both halves."""
    text = (text or "").strip()
    if not text:
        return [f"{d}:{h}" for d in range(5) for h in ("am", "pm")]
    out = []
    for part in re.split(r"[、,，;；\s]+", text):
        if not part:
            continue
        match = re.fullmatch(r"(\d):(am|pm)", part)
        if match:
            out.append(f"{int(match.group(1))}:{match.group(2)}")
            continue
        match = re.fullmatch(r"(?:周|星期)([一二三四五六日天])(上午|下午|全天)?", part)
        if not match:
            raise ValueError(part)
        day = WEEKDAYS_ZH[match.group(1)]
        halves = {"上午": ["am"], "下午": ["pm"]}.get(match.group(2) or "全天", ["am", "pm"])
        out.extend(f"{day}:{h}" for h in halves)
    return sorted(set(out))


def import_stations(file, district: District) -> tuple[int, int]:
    def check(row: dict) -> dict[str, str]:
        try:
            row["receiving_list"] = parse_receiving(row["receiving"])
        except ValueError as error:
            return {"receiving": _("%(value)s is not a half-day; write 周一上午、周三下午.", value=str(error))}
        for key in ("am_hours", "pm_hours"):
            value = row[key]
            if value and not re.fullmatch(r"\d{2}:\d{2}-\d{2}:\d{2}", value):
                return {key: _("Write hours as 09:00-12:00.")}
        return {}

    sheet = SheetImport(file, STATION_COLUMNS, validate_row=check)
    sheet.duplicates(lambda r: r["name"], "name", _("This station"))
    unions = {u.name: u for u in db.session.scalars(select(Union).where(Union.district_id == district.id))}
    kinds_in_file: dict[str, tuple[str, int]] = {}
    for row in sheet.rows:
        kind = row["union_kind"] or (unions[row["union"]].kind if row["union"] in unions else "street")
        first = kinds_in_file.setdefault(row["union"], (kind, row["_row"]))
        if row["union_kind"] and first[0] != kind:
            sheet.error(row, "union_kind", _("%(union)s has another type in row %(other)s.", union=row["union"],
                                             other=first[1]))
    sheet.check()

    def save(row: dict) -> bool:
        union = unions.get(row["union"])
        kind = row["union_kind"] or (union.kind if union else "street")
        if union is None or union.kind != kind or (row["street"] and union.street != row["street"]):
            union = org.save_union(union, district_id=district.id, name=row["union"], kind=kind,
                                   street=row["street"] or (union.street if union else None)
                                   or (row["union"].removesuffix("总工会") if kind == "street" else None))
            unions[union.name] = union
        existing = db.session.scalar(select(Station).where(Station.district_id == district.id,
                                                           Station.name == row["name"]))
        org.save_station(existing, union=union, name=row["name"], address=row["address"],
                         receiving=row["receiving_list"], contact_name=row["contact_name"],
                         contact_phone=row["contact_phone"],
                         contact_email=row["contact_email"] or (existing.contact_email if existing else None),
                         am_hours=row["am_hours"] or (existing.am_hours if existing else "09:00-12:00"),
                         pm_hours=row["pm_hours"] or (existing.pm_hours if existing else "14:00-17:00"),
                         rhythm=existing.rhythm if existing else None, notes=existing.notes if existing else None)
        return existing is not None

    return _save_each(sheet, save)


# -------------------------------------------------------------------------------------------------- firms

def import_firms(file, district: District) -> tuple[int, int]:
    def check(row: dict) -> dict[str, str]:
        contract = [row[k] for k in ("contract_start", "contract_end")]
        if any(contract) and not all(contract):
            return {"contract_end" if row["contract_start"] else "contract_start":
                    _("Give both the first and the last day of the contract.")}
        if all(contract) and row["contract_end"] < row["contract_start"]:
            return {"contract_end": _("The contract must end after it starts.")}
        return {}

    sheet = SheetImport(file, FIRM_COLUMNS, validate_row=check)
    sheet.duplicates(lambda r: r["name"], "name", _("This firm"))
    sheet.check()

    def save(row: dict) -> bool:
        existing = db.session.scalar(select(Firm).where(Firm.district_id == district.id, Firm.name == row["name"]))
        firm = operations.save_firm(existing, district_id=district.id, name=row["name"],
                                    contact_name=row["contact_name"], contact_phone=row["contact_phone"],
                                    address=row["address"], active=existing.active if existing else True)
        if row["contract_start"]:
            same = db.session.scalar(select(Contract).where(Contract.firm_id == firm.id,
                                                            Contract.start == row["contract_start"]))
            operations.save_contract(
                same, firm=firm, start=row["contract_start"], end=row["contract_end"],
                stations_covered=row["stations_covered"] or 0,
                visits_per_station_month=row["visits_per_station_month"] or 2,
                hours_per_visit=row["hours_per_visit"] or 3, reference=row["reference"])
        return existing is not None

    return _save_each(sheet, save, {"start": "contract_start", "end": "contract_end"})


# ------------------------------------------------------------------------------------------------ lawyers

def import_lawyers(file, district: District) -> tuple[int, int]:
    firms = {f.name: f for f in db.session.scalars(select(Firm).where(Firm.district_id == district.id))}

    def check(row: dict) -> dict[str, str]:
        if row["firm"] not in firms:
            return {"firm": _("No firm %(name)s in this district; import the firms first.", name=row["firm"])}
        return {}

    sheet = SheetImport(file, LAWYER_COLUMNS, validate_row=check)
    sheet.duplicates(lambda r: (r["firm"], r["name"]), "name", _("This lawyer"))
    # Rows without a phone never clash with each other.
    sheet.duplicates(lambda r: r["phone"] or ("no phone", r["_row"]), "phone", _("This mobile number"))
    sheet.check()

    def save(row: dict) -> bool:
        firm = firms[row["firm"]]
        existing = db.session.scalar(select(Lawyer).where(Lawyer.firm_id == firm.id, Lawyer.name == row["name"]))
        operations.save_lawyer(existing, firm=firm, name=row["name"], phone=row["phone"],
                               specialities=row["specialities"] or (existing.specialities if existing else []),
                               office_area=row["office_area"] or (existing.office_area if existing else None),
                               station_ids=sorted(existing.allowed_station_ids) if existing else None,
                               user_id=existing.user_id if existing else None,
                               active=existing.active if existing else True)
        return existing is not None

    return _save_each(sheet, save, {"firm_id": "firm"})


# -------------------------------------------------------------------------------------------------- leave

def import_leave(file, district: District) -> tuple[int, int]:
    lawyers = db.session.scalars(select(Lawyer).where(Lawyer.district_id == district.id)
                                 .options(selectinload(Lawyer.firm), selectinload(Lawyer.leave))).all()
    by_name: dict[str, list[Lawyer]] = {}
    for lawyer in lawyers:
        by_name.setdefault(lawyer.name, []).append(lawyer)

    def check(row: dict) -> dict[str, str]:
        named = by_name.get(row["lawyer"], [])
        if not named:
            return {"lawyer": _("No lawyer %(name)s in this district.", name=row["lawyer"])}
        same = [lw for lw in named if lw.firm.name == row["firm"]] if row["firm"] else named
        if not same:
            return {"firm": _("%(name)s works at %(firms)s, not at %(firm)s.", name=row["lawyer"],
                              firms="、".join(sorted({lw.firm.name for lw in named})), firm=row["firm"])}
        if len(same) > 1:
            return {"firm": _("Two lawyers are called %(name)s; name the firm.", name=row["lawyer"])}
        row["lawyer_obj"] = same[0]
        if row["end"] < row["start"]:
            return {"end": _("The leave must end on or after its first day.")}
        if (row["end"] - row["start"]).days > 366:
            return {"end": _("Enter leave of at most a year at a time.")}
        if row["half"] and row["start"] != row["end"]:
            return {"half": _("A half-day leave is on one day: make the first and last day the same.")}
        return {}

    sheet = SheetImport(file, LEAVE_COLUMNS, validate_row=check)
    new_rows = []
    for row in sheet.rows:
        lawyer = row["lawyer_obj"]
        if any(lv.start == row["start"] and lv.end == row["end"] and (lv.half or None) == row["half"]
               for lv in lawyer.leave):
            continue  # already recorded: importing the same file twice adds nothing
        clash = next((lv for lv in lawyer.leave if lv.start <= row["end"] and row["start"] <= lv.end
                      and (lv.half is None or row["half"] is None or lv.half == row["half"])), None)
        if clash is not None:
            sheet.error(row, "start", _(
                "Overlaps the leave of %(name)s already recorded from %(start)s to %(end)s.", name=lawyer.name,
                start=clash.start.isoformat(), end=clash.end.isoformat()))
            continue
        for other in new_rows:
            if other["lawyer_obj"] is lawyer and other["start"] <= row["end"] and row["start"] <= other["end"] \
                    and (other["half"] is None or row["half"] is None or other["half"] == row["half"]):
                sheet.error(row, "start", _(
                    "Overlaps the leave of %(name)s in row %(other)s.", name=lawyer.name, other=other["_row"]))
                break
        else:
            new_rows.append(row)
    sheet.check()
    for row in new_rows:
        try:
            leave_ops.add_leave(row["lawyer_obj"], row["start"], row["end"], row["reason"], row["half"],
                                propose=False)
        except InvalidInput as error:
            sheet.refused(row, error)
    sheet.check()
    return len(new_rows), len(sheet.rows) - len(new_rows)


IMPORTERS = {"stations": import_stations, "firms": import_firms, "lawyers": import_lawyers, "leave": import_leave}
