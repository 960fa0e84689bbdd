"""Coverage to Excel: the districts' summary, every union, every year."""

from __future__ import annotations

from trainer.exchange.excel import Sheet, workbook_response
from trainer.rotation.coverage.operations import coverage


def coverage_workbook(districts):
    results = coverage(districts)
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
