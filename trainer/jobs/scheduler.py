"""The scheduler process (``flask --app trainer jobs run``): one per deployment, never inside web workers.

It waits until it holds the lease (``jobs.lock``), then runs missed firings once (catch-up, coalesced), schedules
every job with APScheduler 3 (in-memory job store, rebuilt at each start from the code and config), and renews
the lease from a heartbeat thread. Losing the lease stops the job scheduling at once; a second process started
by mistake keeps waiting. Each firing is claimed by a unique ``JobRun.run_key``, so even two processes that both
believed they held the lease could not run one firing twice, and every job is idempotent besides.
"""

from __future__ import annotations

import logging
import threading
import uuid
from datetime import timedelta

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from flask import Flask
from sqlalchemy import select

from trainer.core.clock import LOCAL_TZ, now_local, now_utc
from trainer.core.extensions import db
from trainer.jobs import lock
from trainer.jobs.models import JobRun
from trainer.jobs.registry import JobSpec, previous_fire_time, run_key, scheduled_jobs
from trainer.jobs.runner import close_lost_runs, process_id, run_job

log = logging.getLogger("trainer.jobs")

JOB_DEFAULTS = {"coalesce": True, "max_instances": 1, "misfire_grace_time": 6 * 3600}


class Scheduler:
    def __init__(self, app: Flask, holder: str | None = None):
        self.app = app
        self.holder = holder or process_id("scheduler:") + f":{uuid.uuid4().hex[:6]}"
        config = app.config
        self.lease_seconds = int(config.get("JOBS_LEASE_SECONDS", 90))
        self.heartbeat_seconds = int(config.get("JOBS_HEARTBEAT_SECONDS", 20))
        self.poll_seconds = float(config.get("JOBS_POLL_SECONDS", 15))
        self.catch_up_window = timedelta(days=float(config.get("JOBS_CATCH_UP_DAYS", 7)))
        self._aps: BackgroundScheduler | None = None
        self._lost = threading.Event()
        self._stop_heartbeat = threading.Event()

    # -- leadership ---------------------------------------------------------------------------------------
    def become_leader(self) -> bool:
        with self.app.app_context():
            return lock.try_acquire(self.holder, self.lease_seconds)

    def _heartbeat_loop(self) -> None:
        while not self._stop_heartbeat.wait(self.heartbeat_seconds):
            try:
                with self.app.app_context():
                    if not lock.heartbeat(self.holder):
                        log.error("scheduler %s lost its lease; stopping jobs", self.holder)
                        self._lost.set()
                        return
                    close_lost_runs()  # e.g. a run-now whose web worker was killed
            except Exception:  # noqa: BLE001 - a database hiccup: try again at the next beat
                log.exception("heartbeat failed")

    # -- running ------------------------------------------------------------------------------------------
    def fire(self, name: str, catch_up: bool = False) -> JobRun | None:
        """Run the firing of ``name`` that is due now (or the missed one, for catch-up) if we lead."""
        with self.app.app_context():
            if not lock.holds(self.holder):
                log.warning("not running %s: this process does not hold the scheduler lease", name)
                return None
            spec = scheduled_jobs().get(name)
            if spec is None:
                return None
            due = previous_fire_time(spec, now_local())
            if due is None:
                due = now_local()
            return run_job(spec, due.astimezone(LOCAL_TZ).date(), trigger="catch-up" if catch_up else "schedule",
                           run_key=run_key(name, due), holder=self.holder)

    def missed(self) -> list[JobSpec]:
        """Jobs whose last firing (within the catch-up window) has no finished run: each runs once now."""
        with self.app.app_context():
            now = now_local()
            due = []
            for spec in scheduled_jobs().values():
                last = previous_fire_time(spec, now, lookback=self.catch_up_window)
                if last is None or now - last > self.catch_up_window:
                    continue
                done = db.session.scalar(select(JobRun.id).where(JobRun.run_key == run_key(spec.name, last)))
                if done is None:
                    due.append(spec)
            return due

    def catch_up(self) -> list[JobRun]:
        runs = []
        for spec in self.missed():
            run = self.fire(spec.name, catch_up=True)
            if run is not None:
                runs.append(run)
        return runs

    def start_jobs(self) -> BackgroundScheduler:
        """Leader only: close the runs left by a stopped scheduler, schedule every job, and queue the missed
        ones (a closed run's firing among them)."""
        with self.app.app_context():
            closed = close_lost_runs()
            if closed:
                log.warning("%d runs were left by a stopped process and closed as failed; their firings run again",
                            closed)
            specs = scheduled_jobs()
        aps = BackgroundScheduler(timezone=LOCAL_TZ, job_defaults=JOB_DEFAULTS,
                                  executors={"default": ThreadPoolExecutor(2)})
        for spec in specs.values():
            aps.add_job(self.fire, spec.make_trigger(), args=[spec.name], id=spec.name, name=spec.name,
                        replace_existing=True)
        for spec in self.missed():
            log.info("job %s missed its last firing; running it once now", spec.name)
            aps.add_job(self.fire, "date", run_date=now_utc(), args=[spec.name, True], id=f"catch-up:{spec.name}",
                        name=f"catch-up {spec.name}", misfire_grace_time=None)
        aps.start()
        self._aps = aps
        return aps

    def stop_jobs(self, wait: bool = True) -> None:
        if self._aps is not None:
            self._aps.shutdown(wait=wait)
            self._aps = None

    # -- the process ----------------------------------------------------------------------------------------
    def serve(self, stop: threading.Event) -> None:
        """Run until ``stop`` is set: wait for the lease, run jobs while holding it, release it at the end."""
        log.info("scheduler %s starting", self.holder)
        waiting_logged = False
        try:
            while not stop.is_set():
                if not self.become_leader():
                    if not waiting_logged:
                        with self.app.app_context():
                            current = lock.current()
                            who = current.holder if current else "?"
                        log.warning("another scheduler (%s) holds the lease; waiting and running nothing", who)
                        waiting_logged = True
                    stop.wait(self.poll_seconds)
                    continue
                waiting_logged = False
                log.info("scheduler %s holds the lease; starting jobs", self.holder)
                self._lost.clear()
                self._stop_heartbeat.clear()
                beat = threading.Thread(target=self._heartbeat_loop, name="scheduler-heartbeat", daemon=True)
                beat.start()
                self.start_jobs()
                while not stop.is_set() and not self._lost.is_set():
                    stop.wait(1.0)
                self._stop_heartbeat.set()
                self.stop_jobs(wait=stop.is_set())
                beat.join(timeout=5)
        finally:
            self.stop_jobs(wait=True)
            with self.app.app_context():
                lock.release(self.holder)
            log.info("scheduler %s stopped", self.holder)
