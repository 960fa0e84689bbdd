"""The plan as an Excel file: every visit of a range of days (cancelled ones included, marked)."""

from __future__ import annotations

from datetime import date

from flask_babel import force_locale
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from trainer.core.extensions import db
from trainer.exchange.excel import Sheet
from trainer.visits import labels
from trainer.visits.models import Visit


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
