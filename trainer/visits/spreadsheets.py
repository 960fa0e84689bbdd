"""Excel files of the visit programme (headers in Chinese, like every Trainer sheet).

Imports — stations (with their union), firms (with their contract), lawyers, leave — check every row first
(``trainer.exchange.excel.read_sheet``), then the rows against each other and the database (duplicate names,
unknown firm or lawyer, leave ending before it starts, overlapping leave), then save each row through the same
operations as the forms. Any bad row: ``SheetErrors`` listing every bad row with its reason; the caller rolls
back, so a file with a bad row imports nothing. Rows match existing records by name, so importing the same
file twice changes nothing the second time.

Exports — the visits of a range (the plan), the records (visits with their consultations; workers' names and
phones only for those allowed to see them), a firm's monthly account, a duty roster.
"""

from __future__ import annotations

import re
from datetime import date

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from trainer.core.clock import to_local
from trainer.core.extensions import db
from trainer.core.validation import InvalidInput
from trainer.exchange.excel import Sheet
from trainer.exchange.rows import Column, RowError, SheetErrors, read_sheet
from trainer.org.models import District, Station, Union
from trainer.visits import labels, operations
from trainer.visits.models import Contract, Firm, Lawyer, Visit

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


def _errors_of(columns, row: int, error: InvalidInput, aliases: dict | None = None) -> list[RowError]:
    aliases = aliases or {}
    if not error.fields:
        return [RowError(row, "", error.message)]
    out = []
    for key, message in error.fields.items():
        key = aliases.get(key, key)
        header = next((c.header for c in columns if c.key == key), "")
        out.append(RowError(row, header, message))
    return out


def _duplicates(rows: list[dict], key, columns, column_key: str, what: str) -> list[RowError]:
    seen: dict = {}
    errors = []
    header = next(c.header for c in columns if c.key == column_key)
    for row in rows:
        k = key(row)
        if k in seen:
            errors.append(RowError(row["_row"], header, _("%(what)s appears twice in the file (also row %(other)s).",
                                                          what=what, other=seen[k])))
        else:
            seen[k] = row["_row"]
    return errors


def _read(file, columns, validate_row=None) -> tuple[list[dict], list[RowError]]:
    """``read_sheet``, but a bad row does not stop the cross-row checks: returns the good rows and the errors of
    the bad ones, so that one report names every bad row. A file that is not a workbook, or lacks a column,
    raises at once."""
    good: list[dict] = []

    def check(row: dict) -> dict[str, str]:
        errors = validate_row(row) if validate_row else {}
        if not errors:
            good.append(row)
        return errors

    try:
        return read_sheet(file, columns, validate_row=check), []
    except SheetErrors as error:
        if any(e.row <= 1 for e in error.errors):
            raise
        return good, list(error.errors)


def _finish(errors: list[RowError]) -> None:
    if errors:
        errors.sort(key=lambda e: (e.row, e.column))
        raise SheetErrors(errors)


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
    from trainer.org import operations as org

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

    rows, errors = _read(file, STATION_COLUMNS, check)
    errors += _duplicates(rows, lambda r: r["name"], STATION_COLUMNS, "name", _("This station"))
    unions = {u.name: u for u in db.session.scalars(select(Union).where(Union.district_id == district.id))}
    kinds_in_file: dict[str, tuple[str, int]] = {}
    for row in rows:
        kind = row["union_kind"] or (unions[row["union"]].kind if row["union"] in unions else "street")
        first = kinds_in_file.setdefault(row["union"], (kind, row["_row"]))
        if row["union_kind"] and first[0] != kind:
            errors.append(RowError(row["_row"], "工会类型", _(
                "%(union)s has another type in row %(other)s.", union=row["union"], other=first[1])))
    _finish(errors)
    created = updated = 0
    for row in rows:
        try:
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
                             am_hours=row["am_hours"] or (existing.am_hours if existing else "09:00-12:00"),
                             pm_hours=row["pm_hours"] or (existing.pm_hours if existing else "14:00-17:00"),
                             rhythm=existing.rhythm if existing else None, notes=existing.notes if existing else None)
        except InvalidInput as error:
            errors.extend(_errors_of(STATION_COLUMNS, row["_row"], error))
            continue
        if existing is None:
            created += 1
        else:
            updated += 1
    _finish(errors)
    return created, updated


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

    rows, errors = _read(file, FIRM_COLUMNS, check)
    errors += _duplicates(rows, lambda r: r["name"], FIRM_COLUMNS, "name", _("This firm"))
    _finish(errors)
    created = updated = 0
    aliases = {"start": "contract_start", "end": "contract_end"}
    for row in rows:
        existing = db.session.scalar(select(Firm).where(Firm.district_id == district.id, Firm.name == row["name"]))
        try:
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
        except InvalidInput as error:
            errors.extend(_errors_of(FIRM_COLUMNS, row["_row"], error, aliases))
            continue
        if existing is None:
            created += 1
        else:
            updated += 1
    _finish(errors)
    return created, updated


# ------------------------------------------------------------------------------------------------ lawyers

def import_lawyers(file, district: District) -> tuple[int, int]:
    firms = {f.name: f for f in db.session.scalars(select(Firm).where(Firm.district_id == district.id))}

    def check(row: dict) -> dict[str, str]:
        if row["firm"] not in firms:
            return {"firm": _("No firm %(name)s in this district; import the firms first.", name=row["firm"])}
        return {}

    rows, errors = _read(file, LAWYER_COLUMNS, check)
    errors += _duplicates(rows, lambda r: (r["firm"], r["name"]), LAWYER_COLUMNS, "name", _("This lawyer"))
    phones = _duplicates([r for r in rows if r["phone"]], lambda r: r["phone"], LAWYER_COLUMNS, "phone",
                         _("This mobile number"))
    errors.extend(phones)
    _finish(errors)
    created = updated = 0
    for row in rows:
        firm = firms[row["firm"]]
        existing = db.session.scalar(select(Lawyer).where(Lawyer.firm_id == firm.id, Lawyer.name == row["name"]))
        try:
            operations.save_lawyer(existing, firm=firm, name=row["name"], phone=row["phone"],
                                   specialities=row["specialities"] or (existing.specialities if existing else []),
                                   office_area=row["office_area"] or (existing.office_area if existing else None),
                                   station_ids=sorted(existing.allowed_station_ids) if existing else None,
                                   user_id=existing.user_id if existing else None,
                                   active=existing.active if existing else True)
        except InvalidInput as error:
            errors.extend(_errors_of(LAWYER_COLUMNS, row["_row"], error, {"firm_id": "firm"}))
            continue
        if existing is None:
            created += 1
        else:
            updated += 1
    _finish(errors)
    return created, updated


# -------------------------------------------------------------------------------------------------- leave

def import_leave(file, district: District) -> tuple[int, int]:
    lawyers = db.session.scalars(select(Lawyer).where(Lawyer.district_id == district.id)
                                 .options(selectinload(Lawyer.firm), selectinload(Lawyer.leave))).all()
    by_name: dict[str, list[Lawyer]] = {}
    for lawyer in lawyers:
        by_name.setdefault(lawyer.name, []).append(lawyer)

    def check(row: dict) -> dict[str, str]:
        same = by_name.get(row["lawyer"], [])
        if row["firm"]:
            same = [lw for lw in same if lw.firm.name == row["firm"]]
        if not same:
            return {"lawyer": _("No lawyer %(name)s in this district.", name=row["lawyer"])}
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

    rows, errors = _read(file, LEAVE_COLUMNS, check)
    new_rows = []
    for row in rows:
        lawyer = row["lawyer_obj"]
        if any(lv.start == row["start"] and lv.end == row["end"] and (lv.half or None) == row["half"]
               for lv in lawyer.leave):
            continue  # already recorded: importing the same file twice adds nothing
        clash = next((lv for lv in lawyer.leave if lv.start <= row["end"] and row["start"] <= lv.end
                      and (lv.half is None or row["half"] is None or lv.half == row["half"])), None)
        if clash is not None:
            errors.append(RowError(row["_row"], "开始日期", _(
                "Overlaps the leave of %(name)s already recorded from %(start)s to %(end)s.", name=lawyer.name,
                start=clash.start.isoformat(), end=clash.end.isoformat())))
            continue
        for other in new_rows:
            if other["lawyer_obj"] is lawyer and other["start"] <= row["end"] and row["start"] <= other["end"] \
                    and (other["half"] is None or row["half"] is None or other["half"] == row["half"]):
                errors.append(RowError(row["_row"], "开始日期", _(
                    "Overlaps the leave of %(name)s in row %(other)s.", name=lawyer.name, other=other["_row"])))
                break
        else:
            new_rows.append(row)
    _finish(errors)
    for row in new_rows:
        try:
            operations.add_leave(row["lawyer_obj"], row["start"], row["end"], row["reason"], row["half"],
                                 propose=False)
        except InvalidInput as error:
            errors.extend(_errors_of(LEAVE_COLUMNS, row["_row"], error))
    _finish(errors)
    return len(new_rows), len(rows) - len(new_rows)


IMPORTERS = {"stations": import_stations, "firms": import_firms, "lawyers": import_lawyers, "leave": import_leave}


# ------------------------------------------------------------------------------------------------- exports

def _moment(value) -> str:
    return to_local(value).strftime("%Y-%m-%d %H:%M") if value else ""


def visits_sheet(district_id: int, first: date, last: date) -> Sheet:
    """The plan: every visit of the range (cancelled ones included, marked)."""
    visits = db.session.scalars(select(Visit).where(Visit.district_id == district_id, Visit.day >= first,
                                                    Visit.day <= last)
                                .options(selectinload(Visit.station), selectinload(Visit.lawyer),
                                         selectinload(Visit.firm)).order_by(Visit.day, Visit.half, Visit.id)).all()
    sheet = Sheet("走访计划", ["日期", "时段", "时间", "服务站", "地址", "律所", "律师", "替补", "状态", "固定", "临时日历"],
                  widths=[12, 6, 12, 26, 36, 24, 10, 6, 8, 6, 8])
    with force_locale("zh"):
        for v in visits:
            start, end = v.station.hours_of(v.half)
            sheet.rows.append([v.day, "上午" if v.half == "am" else "下午", f"{start}-{end}", v.station.name,
                               v.station.address, v.firm.name, v.lawyer.name, "是" if v.by_backup else "",
                               labels.label("status", v.status), "是" if v.pinned else "",
                               "是" if v.provisional else ""])
    return sheet


RECORD_HEADERS = ["日期", "时段", "服务站", "律所", "律师", "状态", "签到", "签退", "未到原因", "咨询方", "人数", "方式",
                  "类别", "企业名称", "问题摘要", "解答意见", "转介", "需跟进", "跟进说明", "职工姓名", "职工电话"]


def records_sheet(visits: list[Visit], viewer, hidden: str) -> Sheet:
    """Visits with their consultations, one consultation a row (a visit without any: one row).
    Workers' names and phones only where ``viewer`` may see them; "已隐藏" elsewhere."""
    from trainer.visits.records import lawyer_of, may_see_personal

    own = lawyer_of(viewer)
    own_id = own.id if own else None
    sheet = Sheet("走访记录", RECORD_HEADERS, widths=[12, 6, 26, 24, 10, 8, 17, 17, 14, 8, 6, 8, 16, 24, 40, 40,
                                                     12, 6, 24, 10, 14])
    with force_locale("zh"):
        for v in visits:
            base = [v.day, "上午" if v.half == "am" else "下午", v.station.name, v.firm.name, v.lawyer.name,
                    labels.label("status", v.status), _moment(v.checked_in_at), _moment(v.checked_out_at),
                    (labels.label("missed", v.missed_reason) + (f"：{v.missed_note}" if v.missed_note else ""))
                    if v.status == "missed" else ""]
            allowed = may_see_personal(viewer, v, own_lawyer_id=own_id)
            if not v.consultations:
                sheet.rows.append(base + [""] * 12)
                continue
            for c in v.consultations:
                personal = [c.worker_name or "", c.worker_phone or ""] if allowed else [
                    hidden if c.worker_name else "", hidden if c.worker_phone else ""]
                sheet.rows.append(base + [labels.label("asker", c.asker_type), c.people_count,
                                          labels.label("channel", c.channel), labels.label("category", c.category),
                                          c.enterprise_name or "", c.question, c.advice or "",
                                          labels.label("referral", c.referral), "是" if c.follow_up else "",
                                          c.follow_up_note or ""] + personal)
    return sheet


def record_visits(district_id: int | None, first: date, last: date, *, lawyer_id: int | None = None) -> list[Visit]:
    stmt = (select(Visit).where(Visit.day >= first, Visit.day <= last, Visit.status.in_(("delivered", "missed")))
            .options(selectinload(Visit.station), selectinload(Visit.lawyer), selectinload(Visit.firm),
                     selectinload(Visit.consultations)).order_by(Visit.day, Visit.half, Visit.id))
    if district_id is not None:
        stmt = stmt.where(Visit.district_id == district_id)
    if lawyer_id is not None:
        stmt = stmt.where(Visit.lawyer_id == lawyer_id)
    return db.session.scalars(stmt).all()


ACCOUNT_SUMMARY_ROWS = [
    ("contracted", "合同约定走访次数"), ("planned", "已排走访次数"), ("delivered", "已完成走访次数"),
    ("missed", "未到次数"), ("open", "待完成次数"), ("hours", "服务时长（小时）"),
    ("hours_measured", "其中按签到签退计（小时）"), ("hours_estimated", "其中按合同时长估计（小时）"),
    ("estimated_visits", "按合同时长估计的走访次数"), ("consultations", "咨询次数"), ("people", "咨询人数"),
    ("follow_ups", "需跟进"),
]


def account_sheets(account) -> list[Sheet]:
    """The account on screen, as sheets: the summary (the same numbers), consultations by category, the missed
    visits with their reasons, and each visit."""
    from trainer.visits.accounts import visit_hours

    with force_locale("zh"):
        summary = Sheet("汇总", ["项目", "数值"], widths=[28, 16])
        summary.rows.append(["律所", account.firm.name])
        summary.rows.append(["月份", account.month_key])
        for key, header in ACCOUNT_SUMMARY_ROWS:
            summary.rows.append([header, getattr(account, key)])
        categories = Sheet("咨询分类", ["类别", "咨询次数", "咨询人数"], widths=[24, 10, 10])
        for code, count in account.by_category.items():
            categories.rows.append([labels.label("category", code), count, account.people_by_category.get(code, 0)])
        missed = Sheet("未到走访", ["日期", "时段", "服务站", "律师", "原因", "说明"], widths=[12, 6, 26, 10, 16, 40])
        for v in account.missed_visits:
            missed.rows.append([v.day, "上午" if v.half == "am" else "下午", v.station.name, v.lawyer.name,
                                labels.label("missed", v.missed_reason), v.missed_note or ""])
        detail = Sheet("走访明细", ["日期", "时段", "服务站", "律师", "状态", "签到", "签退", "时长（小时）", "时长来源",
                                "咨询次数"], widths=[12, 6, 26, 10, 8, 17, 17, 10, 12, 8])
        for v in account.visits:
            hours, source = "", ""
            if v.status == "delivered":
                value, estimated = visit_hours(v, account.hours_per_visit or 3.0)
                hours, source = round(value, 2), "合同时长估计" if estimated else "签到签退"
            detail.rows.append([v.day, "上午" if v.half == "am" else "下午", v.station.name, v.lawyer.name,
                                labels.label("status", v.status), _moment(v.checked_in_at),
                                _moment(v.checked_out_at), hours, source, len(v.consultations)])
    return [summary, categories, missed, detail]


def district_accounts_sheet(accounts) -> Sheet:
    sheet = Sheet("各律所月度台账", ["律所", "合同约定", "已排", "已完成", "未到", "待完成", "服务时长（小时）", "咨询次数",
                               "咨询人数"], widths=[28, 10, 8, 8, 8, 8, 14, 10, 10])
    for a in accounts:
        sheet.rows.append([a.firm.name, a.contracted, a.planned, a.delivered, a.missed, a.open, a.hours,
                           a.consultations, a.people])
    return sheet


def roster_sheet(period) -> Sheet:
    from trainer.visits.roster import roster_grid, shift_label

    days, grid = roster_grid(period)
    headers = ["日期"] + [f"{shift_label(s)}" for s in period.shifts]
    sheet = Sheet("值班表", headers, widths=[14] + [24] * len(period.shifts))
    for day in days:
        sheet.rows.append([day] + ["、".join(r.lawyer.name for r in grid.get((day, s["code"]), []))
                                   for s in period.shifts])
    return sheet

