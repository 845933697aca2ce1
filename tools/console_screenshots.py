"""Screenshots of every console page for docs/console.md, taken in Debian's Chromium.

    .venv/bin/python -m tools.console_screenshots [OUT_FOLDER]   (default docs/console)

Serves the console in dev mode on a throwaway SQLite database with the demo organisation,
then walks through it as the README's first run does: upload the example with mistakes,
import the clean example, look at the clients, the imports and the organisation.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import threading
from pathlib import Path

from werkzeug.serving import make_server

from service import create_app, extensions, organisations
from service.config import Settings
from service.demo import seed_demo

ROOT = Path(__file__).resolve().parent.parent
ADMIN = "admin@example.com"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def serve(folder: Path):
    settings = Settings.from_env(
        {"ROSTER_AUTH": "dev", "ROSTER_ARGON2_PROFILE": "test", "ROSTER_HASH_WORKERS": "1"},
        instance_path=str(folder),
    )
    app = create_app({"ROSTER_SETTINGS": settings})
    db = extensions.db(app)
    seed_demo(db, ADMIN)
    second = organisations.create_organisation(db, "north-clinic", "North Clinic")
    organisations.add_member(db, second, ADMIN, "pro")
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return app, server, f"http://127.0.0.1:{server.server_port}"


def take(out: Path) -> list[Path]:
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        raise SystemExit("Chromium is not installed: apt-get install chromium")
    out.mkdir(parents=True, exist_ok=True)
    shots: list[Path] = []
    with tempfile.TemporaryDirectory() as folder:
        app, server, url = serve(Path(folder))
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
                page = browser.new_page(viewport={"width": 1200, "height": 800})

                def shot(name: str) -> None:
                    path = out / f"{name}.png"
                    page.screenshot(path=str(path), full_page=True)
                    shots.append(path)

                page.goto(f"{url}/signin")
                shot("signin")
                page.fill("#email", ADMIN)
                page.click("form button[type=submit] >> text=Sign in")
                page.wait_for_selector("#orgs")
                shot("organisations")
                page.click("#orgs >> text=Default organisation")
                page.wait_for_selector("#upload-form")
                shot("upload")
                page.set_input_files("#file", str(ROOT / "examples" / "roster.csv"))
                page.wait_for_selector("#issue-groups")
                shot("upload-issues")
                page.set_input_files("#file", str(ROOT / "examples" / "clean_roster.csv"))
                page.wait_for_selector("#all-clean")
                page.click("#import-button")
                page.wait_for_url("**/imports/*")
                shot("import-result")
                page.click("nav >> text=Clients")
                page.wait_for_selector("#clients")
                shot("clients")
                page.click("nav >> text=Imports")
                page.wait_for_selector("#imports")
                shot("imports")
                page.click("nav >> text=Organisation")
                page.wait_for_selector("#tags")
                shot("organisation")
                page.click("#new-link-code")
                page.wait_for_selector("#link-code")
                shot("organisation-link-code")
                page.goto(f"{url}/o/north-clinic/organisation")  # a pro there
                shot("forbidden-to-a-pro")
                browser.close()
        finally:
            server.shutdown()
            for thread in threading.enumerate():
                if thread.name.startswith("import-"):
                    thread.join(timeout=60)
            extensions.close(app)
    return shots


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "console"
    for taken in take(target):
        print(taken.relative_to(ROOT) if taken.is_relative_to(ROOT) else taken)
