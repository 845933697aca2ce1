"""The console served for real on a loopback port, and Debian's Chromium driven by Playwright.

Without Chromium the browser tests are skipped on a laptop, but CI sets
ROSTER_REQUIRE_BROWSER=1 (.ci/run) and they fail instead: they are never skipped there.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from flask import Flask
from werkzeug.serving import make_server

from service import create_app, extensions, organisations
from service.demo import seed_demo

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ADMIN = "admin@example.com"
PRO = "pro@example.com"


@dataclass
class Console:
    """A served console: its address and its app."""

    url: str
    app: Flask

    @property
    def db(self):
        return extensions.db(self.app)


def demo_app(settings) -> Flask:
    """The console in dev mode on the demo organisation: an admin, and a pro."""
    app = create_app({"ROSTER_SETTINGS": settings.replace(dev_user=ADMIN), "TESTING": True})
    db = extensions.db(app)
    organisation = seed_demo(db, ADMIN)
    organisations.add_member(db, organisation, PRO, "pro")
    return app


def _join_imports() -> None:
    for thread in threading.enumerate():  # imports the test started: let them end first
        if thread.name.startswith("import-"):
            thread.join(timeout=60)


@pytest.fixture
def console_app(settings) -> Iterator[Flask]:
    app = demo_app(settings)
    yield app
    _join_imports()
    extensions.close(app)


@pytest.fixture
def console(console_app) -> Iterator[Console]:
    server = make_server("127.0.0.1", 0, console_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield Console(f"http://127.0.0.1:{server.server_port}", console_app)
    server.shutdown()
    _join_imports()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if CHROMIUM is None:
        if os.environ.get("ROSTER_REQUIRE_BROWSER"):
            pytest.fail("Chromium is not installed, and CI needs the browser tests (.ci/run)")
        pytest.skip("Chromium is not installed (.ci/run installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def new_page(browser, console) -> Iterator[Callable[..., object]]:
    """Open a fresh browser context signed in (dev mode) as the given member."""
    contexts = []

    def open_as(email: str = ADMIN):
        context = browser.new_context(accept_downloads=True)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.goto(f"{console.url}/signin")
        page.fill("#email", email)
        page.click("form button[type=submit] >> text=Sign in")
        page.wait_for_url(lambda url: "/signin" not in url)
        return page

    yield open_as
    for context in contexts:
        context.close()


from tests.web.iap_tokens import iap_assertion, iap_keys  # noqa: E402,F401  (fixtures)
