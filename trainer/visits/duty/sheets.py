"""A duty period's roster as an Excel file: a row a day, a column a shift."""

from __future__ import annotations

from trainer.exchange.excel import Sheet
from trainer.visits.duty.messages import shift_label
from trainer.visits.duty.operations import roster_grid


def roster_sheet(period) -> Sheet:
    days, grid = roster_grid(period)
    headers = ["日期"] + [f"{shift_label(s)}" for s in period.shifts]
    sheet = Sheet("值班表", headers, widths=[14] + [24] * len(period.shifts))
    for day in days:
        sheet.rows.append([day] + ["、".join(r.lawyer.name for r in grid.get((day, s["code"]), []))
                                   for s in period.shifts])
    return sheet
