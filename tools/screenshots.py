"""Developer tool: log in as a user and save screenshots of pages, to look at what we built.

    .venv/bin/python tools/screenshots.py http://127.0.0.1:5000 chaoyang trainer-demo-2026 /org/stations /visits/
"""

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]


def main(base: str, username: str, password: str, *paths: str) -> None:
    out = Path("/tmp/shots")
    out.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = browser.new_page(locale="zh-CN", viewport={"width": 1280, "height": 900})
        page.goto(f"{base}/login")
        page.get_by_label("用户名").fill(username)
        page.get_by_label("密码").fill(password)
        page.get_by_role("button", name="登录").click()
        page.wait_for_load_state()
        for path in paths:
            page.goto(base + path)
            page.wait_for_load_state()
            name = out / (username + path.replace("/", "_").replace("?", "_") + ".png")
            page.screenshot(path=str(name), full_page=True)
            print(name, page.title())
        browser.close()


if __name__ == "__main__":
    main(*sys.argv[1:])
