"""The scheduler: job runs recorded, idempotent jobs, one lease holder, catch-up once, reminders once."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from tests.calendars.fake_area import add_visit, cancel_visit
from trainer.core.clock import LOCAL_TZ, now_local, now_utc, today_local
from trainer.core.extensions import db
from trainer.jobs import lock
from trainer.jobs.models import JobRun, ReminderSent, SchedulerLock
from trainer.jobs.registry import JobSpec, all_jobs, previous_fire_time, run_key
from trainer.jobs.runner import Skip, close_lost_runs, run_job
from trainer.jobs.scheduler import Scheduler


def tomorrow_at(hhmm: str) -> datetime:
    day = today_local() + timedelta(days=1)
    hour, minute = map(int, hhmm.split(":"))
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=LOCAL_TZ)


class Counter:
    """A job that counts its real effects in a set: idempotent by construction, like the real jobs."""

    def __init__(self):
        self.calls = 0
        self.done: set[date] = set()

    def __call__(self, today: date) -> str:
        self.calls += 1
        new = today not in self.done
        self.done.add(today)
        return f"{'made' if new else 'nothing new for'} {today.isoformat()}"


def test_run_job_records_outcome_duration_and_never_raises(app):
    ok = run_job(JobSpec("test.ok", lambda today: f"planned {today:%m-%d}"), date(2027, 3, 20))
    assert (ok.outcome, ok.summary, ok.trigger) == ("ok", "planned 03-20", "manual")
    assert ok.duration_ms is not None and ok.finished_at is not None

    def broken(today):
        raise ValueError("区总工会数据不完整")

    failed = run_job(JobSpec("test.broken", broken), date(2027, 3, 20))
    assert failed.outcome == "error" and "区总工会数据不完整" in failed.summary

    def nothing(today):
        raise Skip("no programme year opens today")

    assert run_job(JobSpec("test.skip", nothing), date(2027, 3, 20)).outcome == "skipped"


def test_the_calendars_and_reminder_jobs_are_discovered(app):
    jobs = all_jobs()
    assert "calendars.drop_expired_cancellations" in jobs
    assert "jobs.send_reminders" in jobs
    assert jobs["jobs.send_reminders"].trigger_args == {"hour": 18, "minute": 0}


def test_operators_move_jobs_with_config(app, only_jobs):
    only_jobs(JobSpec("visits.roll_forward", Counter(), trigger_args={"day": 20, "hour": 2}),
              JobSpec("other.job", Counter(), trigger_args={"hour": 3}))
    app.config["JOBS_PLAN_DAY_OF_MONTH"] = 25
    app.config["JOBS_TRIGGERS"] = {"other.job": {"hour": 4, "minute": 30}}
    try:
        jobs = all_jobs()
        assert jobs["visits.roll_forward"].trigger_args == {"day": 25, "hour": 2}
        assert jobs["other.job"].trigger_args == {"hour": 4, "minute": 30}
    finally:
        app.config["JOBS_PLAN_DAY_OF_MONTH"] = 20
        app.config.pop("JOBS_TRIGGERS")


def test_two_schedulers_only_one_holds_the_lease_and_a_firing_runs_once(app, only_jobs):
    counter = Counter()
    only_jobs(JobSpec("test.daily", counter, trigger_args={"hour": 0, "minute": 0}))
    first, second = Scheduler(app, holder="scheduler-a"), Scheduler(app, holder="scheduler-b")
    assert first.become_leader() is True
    assert second.become_leader() is False  # the second one waits
    assert second.fire("test.daily") is None  # and runs nothing
    assert first.fire("test.daily").outcome == "ok"
    assert first.fire("test.daily") is None  # the same firing is not run twice
    assert counter.calls == 1
    runs = db.session.scalars(select(JobRun).where(JobRun.name == "test.daily")).all()
    assert len(runs) == 1
    due = previous_fire_time(all_jobs()["test.daily"], now_local())
    assert runs[0].run_key == run_key("test.daily", due) and runs[0].holder == "scheduler-a"
    assert lock.current().holder == "scheduler-a"


def test_a_dead_schedulers_lease_is_taken_over(app, only_jobs):
    first, second = Scheduler(app, holder="scheduler-a"), Scheduler(app, holder="scheduler-b")
    assert first.become_leader()
    held = db.session.get(SchedulerLock, lock.LOCK_NAME)
    held.heartbeat_at = now_utc() - timedelta(seconds=first.lease_seconds + 5)  # no heartbeat: it died
    db.session.commit()
    assert second.become_leader() is True
    assert lock.heartbeat("scheduler-a") is False  # the old holder learns it lost the lease
    assert lock.heartbeat("scheduler-b") is True


def test_missed_firing_runs_once_on_restart_and_a_lost_run_is_closed_and_repeated(app, only_jobs):
    counter = Counter()
    only_jobs(JobSpec("test.nightly", counter, trigger_args={"hour": 0, "minute": 0}))
    scheduler = Scheduler(app, holder="scheduler-a")
    assert scheduler.become_leader()
    assert [spec.name for spec in scheduler.missed()] == ["test.nightly"]
    runs = scheduler.catch_up()
    assert [run.trigger for run in runs] == ["catch-up"]
    assert scheduler.catch_up() == []  # coalesced: once, not once per missed day
    assert counter.calls == 1

    # A scheduler was killed in the middle of the job: its run stays "running" with the firing's key.
    run = db.session.get(JobRun, runs[0].id)
    run.outcome, run.holder, run.finished_at = "running", "scheduler-dead", None
    db.session.commit()
    restarted = Scheduler(app, holder="scheduler-c")
    db.session.get(SchedulerLock, lock.LOCK_NAME).heartbeat_at = now_utc() - timedelta(hours=1)
    db.session.commit()
    assert restarted.become_leader()
    assert close_lost_runs() == 1
    again = restarted.catch_up()
    assert len(again) == 1 and again[0].outcome == "ok"
    assert counter.calls == 2 and len(counter.done) == 1  # run again, nothing duplicated
    outcomes = sorted(db.session.scalars(select(JobRun.outcome).where(JobRun.name == "test.nightly")))
    assert outcomes == ["error", "ok"]
    assert db.session.get(JobRun, run.id).summary == (
        "运行期间调度程序已停止（进程 scheduler-dead）；这次定时任务将重新运行。")


def test_reminder_email_arrives_once(app, smtp, fake_area_installed, make_user):
    lawyer = make_user("lawyer", "chaoyang", email="wang@example.cn")
    other = make_user("lawyer", "chaoyang", email="li@example.cn")
    add_visit(district_id=lawyer.district_id, lawyer_id=lawyer.id, title="朝外街道工会服务站 驻站咨询",
              start=tomorrow_at("09:00"), location="北京市朝阳区朝外大街1号")
    cancelled = add_visit(district_id=lawyer.district_id, lawyer_id=lawyer.id, title="已取消的驻站",
                          start=tomorrow_at("14:00"))
    cancel_visit(cancelled)
    add_visit(district_id=lawyer.district_id, lawyer_id=lawyer.id, title="后天的驻站",
              start=tomorrow_at("09:00") + timedelta(days=1))
    db.session.commit()

    from trainer.jobs.reminders import send_reminders

    first = send_reminders(today_local())
    assert first.endswith("的提醒1条")
    second = send_reminders(today_local())
    assert second.endswith("的提醒0条")
    assert len(smtp.messages) == 1
    sent = smtp.messages[0]
    assert sent["to"] == ["wang@example.cn"]
    message = sent["message"]
    text = message.get_content()
    day = today_local() + timedelta(days=1)
    assert f"明天（{day.year}年{day.month}月{day.day}日" in message["Subject"]
    assert "09:00–12:00  朝外街道工会服务站 驻站咨询" in text
    assert "地点：北京市朝阳区朝外大街1号" in text
    assert "已取消的驻站" not in text and "后天的驻站" not in text
    assert db.session.scalar(select(func.count()).select_from(ReminderSent)) == 1
    assert other.id not in {r.user_id for r in db.session.scalars(select(ReminderSent))}


def test_failed_reminder_is_retried_by_the_next_run(app, smtp, fake_area_installed, make_user):
    lawyer = make_user("lawyer", "chaoyang", email="wang@example.cn")
    add_visit(district_id=lawyer.district_id, lawyer_id=lawyer.id, start=tomorrow_at("09:00"))
    db.session.commit()
    from trainer.jobs.reminders import send_reminders

    smtp.refuse = True
    with pytest.raises(RuntimeError, match="1封未能发出"):
        send_reminders(today_local())
    assert db.session.scalar(select(func.count()).select_from(ReminderSent)) == 0
    smtp.refuse = False
    assert send_reminders(today_local()).endswith("的提醒1条")
    assert len(smtp.messages) == 1


def test_reminders_are_skipped_when_mail_is_off(app, fake_area_installed):
    spec = all_jobs()["jobs.send_reminders"]
    run = run_job(spec, today_local())
    assert run.outcome == "skipped" and run.summary == "系统设置中未开启邮件发送：未发送提醒。"
    assert "MAIL_ENABLED" not in run.summary


def test_jobs_page_shows_jobs_and_run_now_records_a_run(login_as, only_jobs):
    counter = Counter()
    only_jobs(JobSpec("visits.roll_forward", counter, trigger_args={"day": 20, "hour": 2},
                      description="Plan next month's visits."))
    admin = login_as("admin", None)
    page = admin.get("/jobs/").get_data(as_text=True)
    assert "定时任务" in page and "visits.roll_forward" in page and "从未运行" in page
    assert "调度程序未运行" in page
    assert "每月20日 02:00" in page  # the schedule in words
    now = now_local()
    before_run = now.day < 20 or (now.day == 20 and now.hour < 2)
    upcoming = now if before_run else now.replace(day=1) + timedelta(days=32)
    assert f"{upcoming.year}年{upcoming.month}月20日" in page and "02:00" in page  # the next run, Beijing time
    response = admin.post("/jobs/visits.roll_forward/run", follow_redirects=True)
    text = response.get_data(as_text=True)
    assert "visits.roll_forward 已完成" in text
    run = db.session.scalar(select(JobRun).where(JobRun.name == "visits.roll_forward"))
    assert run.trigger == "manual" and run.user_id == admin.user.id and run.outcome == "ok"
    assert "立即运行（网页）" in text and "已完成" in text
    assert counter.calls == 1
    assert admin.post("/jobs/no.such.job/run", follow_redirects=True).status_code == 200
    assert login_as("coordinator", "chaoyang").get("/jobs/").status_code == 403
    assert login_as("coordinator", "chaoyang").post("/jobs/visits.roll_forward/run").status_code == 403


def test_cli_lists_and_runs_jobs(app, only_jobs):
    counter = Counter()
    only_jobs(JobSpec("test.cli", counter, trigger_args={"hour": 5}))
    runner = app.test_cli_runner()
    listing = runner.invoke(args=["jobs", "list"])
    assert listing.exit_code == 0 and "test.cli" in listing.output and "cron hour=5" in listing.output
    result = runner.invoke(args=["jobs", "run-now", "test.cli", "--date", "2027-03-01"])
    assert result.exit_code == 0, result.output
    assert "test.cli: ok" in result.output and "2027-03-01" in result.output
    assert runner.invoke(args=["jobs", "run-now", "nope"]).exit_code != 0
    runs = runner.invoke(args=["jobs", "runs"])
    assert "test.cli" in runs.output and "cli" in runs.output


def test_previous_fire_time_of_a_monthly_job():
    spec = JobSpec("x", Counter(), trigger_args={"day": 1, "hour": 3})
    now = datetime(2027, 3, 15, 12, 0, tzinfo=LOCAL_TZ)
    assert previous_fire_time(spec, now) == datetime(2027, 3, 1, 3, 0, tzinfo=LOCAL_TZ)
    assert run_key("x", datetime(2027, 3, 1, 3, 0, tzinfo=LOCAL_TZ)) == "x@2027-03-01T03:00+0800"
    assert previous_fire_time(spec, datetime(2027, 3, 1, 2, 59, tzinfo=UTC).astimezone(LOCAL_TZ)) is not None
