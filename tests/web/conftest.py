"""The web app called in-process through httpx's ASGI transport, on a copy of the example."""

from __future__ import annotations

import asyncio
import re
import shutil
import socket
import threading
import time
from pathlib import Path

import httpx
import pytest
import uvicorn
from leaflet.commands.invite import invite
from leaflet.web.app import create_app

from tests.commands.test_proof import _chromium
from tests.conftest import DEMO, ROOT

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


class Browser:
    """One browser's cookies, driving the app in-process; ``csrf`` is read from the last page."""

    def __init__(self, app, loop: asyncio.AbstractEventLoop):
        self.loop = loop
        self.client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://leaflet.test")
        self.csrf = ""

    def request(self, method: str, path: str, **options) -> httpx.Response:
        response = self.loop.run_until_complete(self.client.request(method, path, **options))
        found = (
            re.search(r'name="csrf" value="([^"]*)"', response.text)
            if "text/html" in response.headers.get("content-type", "")
            else None
        )
        if found and found.group(1):
            self.csrf = found.group(1)
        return response

    def get(self, path: str, **options) -> httpx.Response:
        return self.request("GET", path, **options)

    def post(self, path: str, **options) -> httpx.Response:
        return self.request("POST", path, **options)

    def json(self, path: str, body: dict, csrf: bool = True) -> httpx.Response:
        headers = {"X-CSRF-Token": self.csrf, "Accept": "application/json"} if csrf else {"Accept": "application/json"}
        return self.post(path, json=body, headers=headers)

    def sign_in(self, link: str) -> httpx.Response:
        path = "/" + link.split("/", 3)[3]
        assert self.get(path).status_code == 200
        return self.post(path)


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("serve")
    for folder in ("layouts", "fonts", "images"):
        shutil.copytree(ROOT / folder, root / folder)
    shutil.copytree(DEMO, root / "content" / "pcc-2021")
    return root / "content" / "pcc-2021"


@pytest.fixture(scope="module")
def app(project):
    return create_app(project)


@pytest.fixture(scope="module")
def loop():
    loop = asyncio.new_event_loop()
    yield loop
    loop.close()


@pytest.fixture()
def browser(app, loop):
    return lambda: Browser(app, loop)


@pytest.fixture()
def organiser(project, browser):
    """A browser signed in as the organiser of a ward, and that ward's code."""

    def signed_in(code: str) -> Browser:
        b = browser()
        b.sign_in(invite(project, [code])[0].url)
        b.get(f"/w/{code}")
        return b

    return signed_in


@pytest.fixture()
def signed_in(project, browser):
    """A browser signed in with a new link of ``role`` (for ``ward``, or every ward)."""

    def sign_in(role: str, ward: str | None = None, name: str = "") -> Browser:
        b = browser()
        b.sign_in(invite(project, [ward] if ward else None, role=role, name=name)[0].url)
        b.get(f"/review/{ward}" if ward and role != "organiser" else f"/w/{ward}" if ward else "/review")
        return b

    return sign_in


@pytest.fixture(scope="module")
def server(project):
    """The app served by uvicorn on a free loopback port, in a thread, for this module."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = uvicorn.Config(create_app(project), host="127.0.0.1", port=port, log_level="warning", access_log=False)
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not running.started:
        assert time.monotonic() < deadline and thread.is_alive(), "the server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    running.should_exit = True
    thread.join(10)


@pytest.fixture(scope="module")
def chromium():
    executable = _chromium()
    sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package drives Chromium")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
