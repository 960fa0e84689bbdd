"""The jobs page for the city administrator: schedule, next run, recent runs, "run now"."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from trainer.auth.permissions import allow
from trainer.core.clock import as_utc, now_local, now_utc, today_local
from trainer.core.extensions import db
from trainer.jobs import lock, queries
from trainer.jobs.registry import all_jobs
from trainer.jobs.runner import process_id, run_job, running_run
from trainer.web.navigation import register_nav

bp = Blueprint("jobs", __name__, url_prefix="/jobs")

register_nav(_l("Jobs"), "jobs.index", {"admin"}, order=88)

OUTCOME_LABELS = {"running": _l("running"), "ok": _l("done"), "error": _l("failed"), "skipped": _l("skipped"),
                  "interrupted": _l("interrupted")}
TRIGGER_LABELS = {"schedule": _l("on schedule"), "catch-up": _l("catch-up after a restart"),
                  "manual": _l("run now (web)"), "cli": _l("run now (command line)")}
OUTCOME_BADGES = {"running": "info", "ok": "ok", "error": "bad", "skipped": "warn", "interrupted": "warn"}


def schedule_label(spec) -> str:
    """The schedule in words for the common forms (每天 18:00, 每月20日 02:00, 每10分钟), else the trigger's
    own fields (an operator's JOBS_TRIGGERS of another form)."""
    args = spec.trigger_args
    if spec.trigger == "interval" and set(args) <= {"minutes", "hours"} and len(args) == 1:
        unit, value = next(iter(args.items()))
        return (_("Every %(n)s minutes", n=value) if unit == "minutes" else _("Every %(n)s hours", n=value))
    if spec.trigger != "cron" or set(args) - {"day", "day_of_week", "hour", "minute"}:
        return spec.schedule_text()
    try:
        time_text = f"{int(args.get('hour', 0)):02d}:{int(args.get('minute', 0)):02d}"
    except (TypeError, ValueError):
        return spec.schedule_text()
    if "day" in args and "day_of_week" not in args:
        return _("Monthly on day %(day)s at %(time)s", day=args["day"], time=time_text)
    if "day_of_week" in args and "day" not in args:
        return _("Weekly (%(days)s) at %(time)s", days=args["day_of_week"], time=time_text)
    if "day" not in args and "day_of_week" not in args and "hour" in args:
        return _("Daily at %(time)s", time=time_text)
    return spec.schedule_text()


def lease_state() -> dict:
    current = lock.current()
    if current is None:
        return {"holder": None, "fresh": False, "heartbeat_at": None}
    age = (now_utc() - as_utc(current.heartbeat_at)).total_seconds()
    fresh = age <= int(current_app.config.get("JOBS_LEASE_SECONDS", 90))
    return {"holder": current.holder, "fresh": fresh, "heartbeat_at": current.heartbeat_at}


@bp.route("/")
@allow("admin")
def index():
    name = request.args.get("name") or None
    outcome = request.args.get("outcome") or None
    runs = db.paginate(queries.runs(name, outcome), per_page=current_app.config["PAGE_SIZE"], error_out=False)
    rows = queries.job_rows(now_local())
    return render_template("jobs/index.html", rows=rows, runs=runs, lease=lease_state(),
                           job_titles={row["spec"].name: row["spec"].description or row["spec"].name for row in rows},
                           name=name, outcome=outcome, outcome_labels=OUTCOME_LABELS,
                           trigger_labels=TRIGGER_LABELS, badges=OUTCOME_BADGES, schedule_label=schedule_label)


@bp.route("/<name>/run", methods=["POST"])
@allow("admin")
def run_now(name: str):
    spec = all_jobs().get(name)
    if spec is None:
        flash(_("There is no job called %(name)s.", name=name), "error")
        return redirect(url_for("jobs.index"))
    if running_run(name) is not None:
        flash(_("%(name)s is running now; wait for it to finish.", name=name), "warning")
        return redirect(url_for("jobs.index"))
    user_id = current_user.id
    run = run_job(spec, today_local(), trigger="manual", holder=process_id("web:"), user_id=user_id)
    if run is None or run.outcome == "error":
        flash(_("%(name)s failed: %(summary)s", name=name, summary=run.summary if run else ""), "error")
    elif run.outcome == "skipped":
        flash(_("%(name)s had nothing to do: %(summary)s", name=name, summary=run.summary), "warning")
    else:
        flash(_("%(name)s done in %(ms)s ms: %(summary)s", name=name, ms=run.duration_ms, summary=run.summary),
              "success")
    return redirect(url_for("jobs.index"))
