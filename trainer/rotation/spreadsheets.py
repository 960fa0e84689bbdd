"""Excel for the rotation: trainees in (template and import), the year's plan and the coverage report out."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from trainer.core.extensions import db
from trainer.core.validation import InvalidInput
from trainer.exchange.excel import Sheet, template_response, workbook_response
from trainer.exchange.rows import Column, RowError, SheetErrors, read_sheet
from trainer.org.models import Station, Union
from trainer.rotation import operations
from trainer.rotation.models import Placement, PlacementDay, ProgrammeYear, Trainee

TRAINEE_COLUMNS = [
    Column("name", "姓名", max_length=60, example="李晓红"),
    Column("union", "所属工会", max_length=120, example="朝外街道总工会"),
    Column("station", "服务站", required=False, max_length=120, example="朝外街道工会服务站"),
    Column("phone", "手机", required=False, kind="mobile", example="13800138000"),
    Column("prior_experience", "调解经历", required=False, max_length=2000, example="从事基层调解工作2年"),
    Column("unavailable", "不能参加的日期", required=False, max_length=1000, example="2026-10-12, 2026-10-20..2026-10-22"),
]

PHASE_ZH = {"guided": "带教", "independent": "独立调解"}


def import_trainees(py: ProgrammeYear, file) -> list[Trainee]:
    """Every row is checked first; one bad row and nothing is imported (SheetErrors lists them all)."""
    unions = {u.name: u for u in db.session.scalars(select(Union).where(Union.district_id == py.district_id))}
    stations = {s.name: s for s in db.session.scalars(select(Station).where(Station.district_id == py.district_id))}
    enrolled = {(t.name, t.union_id) for t in py.trainees}
    seen: dict[tuple[str, int], int] = {}

    def check(row: dict) -> dict[str, str]:
        errors = {}
        union = unions.get(row["union"])
        if union is None:
            errors["union"] = _("no union %(name)s in this district", name=row["union"])
        station = stations.get(row["station"]) if row.get("station") else None
        if row.get("station") and (station is None or (union is not None and station.union_id != union.id)):
            errors["station"] = _("no station %(name)s of that union", name=row["station"])
        try:
            row["unavailable_days"] = operations.parse_dates(row.get("unavailable"))
        except InvalidInput as error:
            errors["unavailable"] = error.message
        if union is not None:
            key = (row["name"], union.id)
            if key in enrolled:
                errors["name"] = _("%(name)s is already enrolled this year", name=row["name"])
            elif key in seen:
                errors["name"] = _("the same trainee is also in row %(row)s", row=seen[key])
            seen.setdefault(key, row["_row"])
        return errors

    rows = read_sheet(file, TRAINEE_COLUMNS, validate_row=check)
    created = []
    for row in rows:
        try:
            created.append(operations.save_trainee(
                None, py=py, union_id=unions[row["union"]].id, name=row["name"], phone=row.get("phone"),
                station_id=stations[row["station"]].id if row.get("station") else None,
                prior_experience=row.get("prior_experience"), unavailable=row["unavailable_days"]))
        except InvalidInput as error:
            raise SheetErrors([RowError(row["_row"], "", error.message)]) from None
    return created


def template(py: ProgrammeYear):
    return template_response(TRAINEE_COLUMNS, f"trainees-{py.year}-template.xlsx", title="学员")


def plan_rows(py: ProgrammeYear) -> list[list]:
    placements = db.session.scalars(
        select(Placement).where(Placement.programme_year_id == py.id)
        .options(selectinload(Placement.trainee).selectinload(Trainee.union),
                 selectinload(Placement.days).selectinload(PlacementDay.mentor))
        .order_by(Placement.start)).all()
    rows = []
    for placement in placements:
        for day in placement.active_days:
            rows.append([placement.trainee.name, placement.trainee.union.name, day.number, day.day,
                         PHASE_ZH.get(day.phase, day.phase), day.mentor.name if day.mentor else "",
                         "是" if placement.pinned else "", "是" if placement.provisional else ""])
    return rows


def plan_workbook(py: ProgrammeYear):
    summary = []
    for trainee in py.trainees:
        placement = trainee.placement
        days = placement.active_days if placement else []
        summary.append([trainee.name, trainee.union.name, trainee.phone or "", days[0].day if days else None,
                        days[-1].day if days else None, len(days),
                        "是" if placement and placement.pinned else "",
                        trainee.certification.number if trainee.certification else ""])
    sheets = [
        Sheet("跟班安排", ["学员", "所属工会", "手机", "开始", "结束", "天数", "已锁定", "证书编号"], summary),
        Sheet("每日带教", ["学员", "所属工会", "第几天", "日期", "阶段", "带教律师", "已锁定", "临时日历"],
              plan_rows(py)),
        Sheet("中心", ["年度", "调解中心", "地址", "同时容纳", "跟班天数"],
              [[py.year, py.centre_name, py.centre_address, py.capacity, py.placement_length]]),
    ]
    return workbook_response(sheets, f"rotation-plan-{py.district.code}-{py.year}.xlsx")


def coverage_workbook(districts):
    results = operations.coverage(districts)
    unions, years, summary = [], [], []
    for cov in results:
        summary.append([cov.district.name, cov.streets_total, cov.streets_covered,
                        f"{round(cov.share * 100)}%" if cov.streets_total else ""])
        for row in cov.unions:
            unions.append([cov.district.name, row.union.name, row.union.street or "",
                           "是" if row.mediators else "否",
                           "、".join(f"{c.trainee.name}（{c.number}）" for c in row.mediators), row.last_year or ""])
        for stats in cov.years:
            rate = stats.success_rate
            years.append([cov.district.name, stats.year, stats.trainees, stats.certified, stats.independent_cases,
                          stats.agreements, f"{round(rate * 100)}%" if rate is not None else ""])
    sheets = [
        Sheet("覆盖概况", ["区", "街道数", "已有独立调解员的街道", "覆盖率"], summary),
        Sheet("各工会", ["区", "工会", "街道", "有认证独立调解员", "独立调解员（证书编号）", "最近选派年度"], unions),
        Sheet("各年度", ["区", "年度", "学员", "认证", "第二周独立调解案件", "调解成功", "成功率"], years),
    ]
    name = districts[0].code if len(districts) == 1 else "city"
    return workbook_response(sheets, f"rotation-coverage-{name}.xlsx")
