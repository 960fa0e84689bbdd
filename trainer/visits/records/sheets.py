"""The records as Excel files: the visits with their consultations (workers' names and phones only for those
allowed to see them), a firm's monthly account, and every firm's account of a month."""

from __future__ import annotations

from flask_babel import force_locale

from trainer.core.clock import to_local
from trainer.exchange.excel import Sheet
from trainer.visits import labels
from trainer.visits.access import lawyer_of, may_see_personal
from trainer.visits.models import Visit
from trainer.visits.records import rules


def _moment(value) -> str:
    return to_local(value).strftime("%Y-%m-%d %H:%M") if value else ""


RECORD_HEADERS = ["日期", "时段", "服务站", "律所", "律师", "状态", "签到", "签退", "未到原因", "咨询方", "人数", "方式",
                  "类别", "企业名称", "问题摘要", "解答意见", "转介", "需跟进", "跟进说明", "职工姓名", "职工电话"]


def records_sheet(visits: list[Visit], viewer, hidden: str) -> Sheet:
    """Visits with their consultations, one consultation a row (a visit without any: one row).
    Workers' names and phones only where ``viewer`` may see them; "已隐藏" elsewhere."""
    own = lawyer_of(viewer)
    own_id = own.id if own else None
    sheet = Sheet("走访记录", RECORD_HEADERS, widths=[12, 6, 26, 24, 10, 8, 17, 17, 14, 8, 6, 8, 16, 24, 40, 40,
                                                     12, 6, 24, 10, 14])
    with force_locale("zh"):
        for v in visits:
            base = [v.day, "上午" if v.half == "am" else "下午", v.station.name, v.firm.name, v.lawyer.name,
                    labels.label("state", rules.state(v)), _moment(v.checked_in_at), _moment(v.checked_out_at),
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


ACCOUNT_SUMMARY_ROWS = [
    ("contracted", "合同约定走访次数"), ("planned", "已排走访次数"), ("delivered", "已完成走访次数"),
    ("in_progress", "进行中"), ("missed", "未到次数"), ("open", "待完成次数"), ("hours", "服务时长（小时，按实际签到签退）"),
    ("timed_visits", "有签到签退时间的走访次数"), ("no_checkout", "未签退（未计时长）"), ("untimed", "无签到时间（未计时长）"),
    ("short", "时长过短"), ("unrecorded", "已过时段未记录"), ("late", "律师补记"), ("consultations", "咨询次数"),
    ("people", "咨询人数"), ("follow_ups", "需跟进"),
]


def _count(value):
    return len(value) if isinstance(value, list) else value


def _yuan(value) -> float | str:
    return float(value) if value is not None else ""


def account_sheets(account) -> list[Sheet]:
    """The account on screen, as sheets: the summary (the same numbers) and how it counted, consultations by
    category, the missed visits with their reasons, and each visit with what the account flags about it."""
    with force_locale("zh"):
        summary = Sheet("汇总", ["项目", "数值"], widths=[34, 60])
        summary.rows.append(["律所", account.firm.name])
        summary.rows.append(["月份", account.month_key])
        for key, header in ACCOUNT_SUMMARY_ROWS:
            summary.rows.append([header, _count(getattr(account, key))])
        if account.has_fees:
            summary.rows.append(["每次走访费用（元）", _yuan(account.fee_per_visit)])
            summary.rows.append(["计费走访次数（有签到签退时间）", account.timed_visits])
            summary.rows.append(["走访费用（元）", _yuan(account.fee_for_visits)])
            summary.rows.append(["每月固定费用（元）", _yuan(account.fee_per_month)])
            summary.rows.append(["本月费用合计（元）", _yuan(account.fee_total)])
        for index, sentence in enumerate(account.counting()):
            summary.rows.append(["计算说明" if index == 0 else "", sentence])
        for signer in ("律所负责人（签字、盖章）", "区总工会经办人（签字）", "区总工会负责人（签字、盖章）"):
            summary.rows.append([signer, "                    日期：    年   月   日"])
        categories = Sheet("咨询分类", ["类别", "咨询次数", "咨询人数"], widths=[24, 10, 10])
        for code, count in account.by_category.items():
            categories.rows.append([labels.label("category", code), count, account.people_by_category.get(code, 0)])
        missed = Sheet("未到走访", ["日期", "时段", "服务站", "律师", "原因", "说明"], widths=[12, 6, 26, 10, 16, 40])
        for v in account.missed_visits:
            missed.rows.append([v.day, "上午" if v.half == "am" else "下午", v.station.name, v.lawyer.name,
                                labels.label("missed", v.missed_reason), v.missed_note or ""])
        detail = Sheet("走访明细", ["日期", "时段", "服务站", "律师", "状态", "签到", "签退", "时长（小时）", "标记",
                                "补记原因", "咨询次数"], widths=[12, 6, 26, 10, 10, 17, 17, 10, 24, 30, 8])
        for v in account.visits:
            measured = rules.hours(v) if v.status == "delivered" else None
            detail.rows.append([v.day, "上午" if v.half == "am" else "下午", v.station.name, v.lawyer.name,
                                labels.label("state", rules.state(v)), _moment(v.checked_in_at),
                                _moment(v.checked_out_at), round(measured, 2) if measured is not None else "",
                                "、".join(labels.label("flag", f) for f in account.flags_of(v)),
                                v.late_reason or "", len(v.consultations)])
    return [summary, categories, missed, detail]


def district_accounts_sheet(accounts) -> Sheet:
    sheet = Sheet("各律所月度台账", ["律所", "合同约定", "已排", "已完成", "未到", "待完成", "服务时长（小时）", "未签退",
                               "咨询次数", "咨询人数"], widths=[28, 10, 8, 8, 8, 8, 14, 8, 10, 10])
    for a in accounts:
        sheet.rows.append([a.firm.name, a.contracted, a.planned, a.delivered, a.missed, a.open, a.hours,
                           len(a.no_checkout), a.consultations, a.people])
    return sheet
