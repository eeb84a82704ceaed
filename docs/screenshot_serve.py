"""The organiser's page and a reviewer's page of leaflet serve, photographed by Playwright in
Debian's Chromium, for the README: a copy of the example campaign served on loopback, one ward's
organiser signed in, the local text edited and submitted, then that ward as a reviewer sees it.

python docs/screenshot_serve.py      # writes docs/serve-organiser.png and docs/serve-review.png
"""

from __future__ import annotations

import shutil
import socket
import tempfile
import threading
import time
from pathlib import Path

import uvicorn
from leaflet.commands.invite import invite
from leaflet.web.app import create_app
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
WARD = "E05011111"
WORDS = "**In St Mary's & St Paul's, you told us your top priority is knife crime.** Ayşe Yılmaz and the local team"


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        for folder in ("layouts", "fonts", "images"):
            shutil.copytree(ROOT / folder, Path(tmp) / folder)
        campaign = Path(tmp) / "content" / "pcc-2021"
        shutil.copytree(ROOT / "content" / "pcc-2021", campaign, ignore=shutil.ignore_patterns("local-edits"))
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        server = uvicorn.Server(uvicorn.Config(create_app(campaign), host="127.0.0.1", port=port, log_level="warning"))
        threading.Thread(target=server.run, daemon=True).start()
        while not server.started:
            time.sleep(0.05)
        link = invite(campaign, [WARD], url=f"http://127.0.0.1:{port}")[0].url
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
            page = browser.new_page(viewport={"width": 1360, "height": 900})
            page.goto(link)
            page.get_by_role("button", name="Continue").click()
            page.wait_for_load_state()
            page.get_by_label("Your local priority").fill(WORDS + " will keep you posted on what is being done.")
            deadline = time.monotonic() + 20
            while not page.evaluate("Number(document.body.dataset.previewed || 0) > 0"):
                assert time.monotonic() < deadline
                time.sleep(0.05)
            page.screenshot(path=str(ROOT / "docs" / "serve-organiser.png"))
            page.get_by_label("Organiser's name").fill("Robin Ashe")
            while page.evaluate("document.getElementById('submit-button').disabled"):
                assert time.monotonic() < deadline + 20
                time.sleep(0.05)
            with page.expect_navigation():
                page.get_by_role("button", name="Submit for review").click()
            reviewer = browser.new_page(viewport={"width": 1360, "height": 1000})
            reviewer.goto(invite(campaign, None, role="reviewer", name="Sam", url=f"http://127.0.0.1:{port}")[0].url)
            reviewer.get_by_role("button", name="Continue").click()
            reviewer.wait_for_load_state()
            reviewer.goto(f"http://127.0.0.1:{port}/review/{WARD}?state=submitted")
            reviewer.screenshot(path=str(ROOT / "docs" / "serve-review.png"))
            browser.close()
        server.should_exit = True


if __name__ == "__main__":
    main()
