"""The year's plan to Excel: one row per placement, one per day, and the centre."""

from __future__ import annotations

from trainer.exchange.excel import Sheet, workbook_response
from trainer.rotation.models import ProgrammeYear
from trainer.rotation.placements.queries import placements_of_year

PHASE_ZH = {"guided": "带教", "independent": "独立调解"}


def plan_rows(py: ProgrammeYear) -> list[list]:
    rows = []
    for placement in placements_of_year(py):
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
