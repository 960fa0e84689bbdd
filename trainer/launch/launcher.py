"""`flask --app trainer serve` (what `make run` does): the app served by a production WSGI server, as in
production, and the one scheduler process beside it, started and stopped together.

The server is ``WEB_SERVER``: ``granian`` by default (its HTTP handling is Rust, so a calendar poll costs the
app's own few microseconds plus little more: about 2 x gunicorn's full answers and 3 x its 304s on this
machine, bench/bench_feed.py prints both side by side), or ``gunicorn`` (gthread workers). Either runs
``WEB_WORKERS`` worker processes (default: one per core, at least two) of ``WEB_THREADS`` threads each (default
4): processes give the cores, threads overlap the waits on the database.

Two kinds of child process, never threads: the scheduler must never run inside a web worker. Ctrl-C (or
SIGTERM) stops everything; if either child exits, the other is stopped too, so nothing is left running behind
the terminal.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path

STOP_TIMEOUT_S = 10
SERVERS = ("granian", "gunicorn")
APP_FACTORY = "trainer.launch.served:create_app"  # the app as a web worker loads it (gc frozen after loading)
APP_SPEC = "trainer:create_app()"  # gunicorn's form (its worker hook freezes the collector)
HOOKS = Path(__file__).with_name("gunicorn_hooks.py")  # gunicorn's settings that are code
THREADS = 4
KEEP_ALIVE_S = 5  # seconds an idle keep-alive connection stays open (calendar apps and browsers reuse them)


def web_shape(config: Mapping) -> tuple[int, int]:
    """(worker processes, threads per worker) of the web server."""
    workers = int(config.get("WEB_WORKERS") or 0) or max(2, min(os.cpu_count() or 1, 8))
    threads = int(config.get("WEB_THREADS") or 0) or THREADS
    return workers, threads


def web_server(config: Mapping | None = None) -> str:
    """The web server of `make run`: WEB_SERVER, granian unless told otherwise (``config`` None: the
    TRAINER_WEB_SERVER environment variable, for the benchmarks that start the server as `make run` does)."""
    if config is None:
        config = {"WEB_SERVER": os.environ.get("TRAINER_WEB_SERVER")}
    server = str(config.get("WEB_SERVER") or "granian").strip().lower()
    if server not in SERVERS:
        raise ValueError(f"WEB_SERVER must be one of {', '.join(SERVERS)}, not {server!r}")
    return server


def granian_command(host: str, port: int, workers: int, threads: int, factory: str = APP_FACTORY) -> list[str]:
    """granian's command line for `make run` (the feed and page benchmarks start the same one). ``factory``:
    "module:function" returning the WSGI app, called once in each worker; the module is found from the
    working directory or PYTHONPATH."""
    return [sys.executable, "-m", "granian", "--interface", "wsgi", "--host", host, "--port", str(port),
            "--workers", str(workers), "--blocking-threads", str(threads), "--factory",
            "--respawn-failed-workers", "--workers-kill-timeout", str(STOP_TIMEOUT_S - 2),
            "--log-level", "warning", "--no-access-log", factory]


def server_command(server: str, host: str, port: int, workers: int, threads: int,
                   factory: str | None = None) -> list[str]:
    """The command line of the web server ``server`` serving the app, or the app ``factory`` ("module:function",
    which must freeze the collector itself, as trainer.launch.served does) when given."""
    if server == "gunicorn":
        return gunicorn_command(host, port, workers, threads, app_spec=f"{factory}()" if factory else APP_SPEC)
    return granian_command(host, port, workers, threads, factory or APP_FACTORY)


def gunicorn_command(host: str, port: int, workers: int, threads: int, app_spec: str = APP_SPEC,
                     pythonpath: str | None = None) -> list[str]:
    """The gunicorn command line of `make run` (the feed and page benchmarks start the same one)."""
    command = [sys.executable, "-m", "gunicorn", "--bind", f"{host}:{port}", "--workers", str(workers),
               "--worker-class", "gthread", "--threads", str(threads), "--keep-alive", str(KEEP_ALIVE_S),
               "--graceful-timeout", str(STOP_TIMEOUT_S - 2), "--timeout", "120", "--log-level", "warning",
               "--config", str(HOOKS)]
    if pythonpath:
        command += ["--pythonpath", pythonpath]
    return command + [app_spec]


def _flask(*args: str) -> list[str]:
    return [sys.executable, "-m", "flask", "--app", "trainer", *args]


def serve_url(host: str, port: int) -> str:
    shown = "127.0.0.1" if host in ("0.0.0.0", "", "::") else host
    return f"http://{shown}:{port}"


def _stop(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        if process.poll() is None:
            process.terminate()  # SIGTERM: both children stop cleanly on it (gunicorn: graceful shutdown)
    deadline = time.monotonic() + STOP_TIMEOUT_S
    for process in processes:
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def run_side_by_side(host: str, port: int, workers: int, threads: int, server: str) -> int:
    env = dict(os.environ)
    env.setdefault("TRAINER_SERVE_URL", serve_url(host, port))
    processes = [
        subprocess.Popen(_flask("jobs", "run"), env=env),
        subprocess.Popen(server_command(server, host, port, workers, threads), env=env),
    ]
    stopping = False

    def _on_signal(signum, frame):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, _on_signal)
    signal.signal(signal.SIGTERM, _on_signal)
    try:
        while not stopping and all(p.poll() is None for p in processes):
            time.sleep(0.3)
    finally:
        _stop(processes)
    failed = [p.returncode for p in processes if p.returncode not in (0, -signal.SIGINT, -signal.SIGTERM, None)]
    return 0 if stopping or not failed else 1
