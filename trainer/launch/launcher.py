"""`flask --app trainer serve`: the web app and the one scheduler process, started and stopped together.

Two child processes, not threads: the scheduler must never run inside a web worker. Ctrl-C (or SIGTERM) stops
both; if either one exits, the other is stopped too, so nothing is left running behind the terminal.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time

STOP_TIMEOUT_S = 10


def _flask(*args: str) -> list[str]:
    return [sys.executable, "-m", "flask", "--app", "trainer", *args]


def _stop(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        if process.poll() is None:
            process.terminate()  # SIGTERM: both children stop cleanly on it
    deadline = time.monotonic() + STOP_TIMEOUT_S
    for process in processes:
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def run_side_by_side(host: str, port: int) -> int:
    processes = [
        subprocess.Popen(_flask("jobs", "run")),
        subprocess.Popen(_flask("run", "--host", host, "--port", str(port))),
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
