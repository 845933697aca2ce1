"""The console in Debian's Chromium, used as a pro and an admin would: keyboard and mouse."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from service import create_app, extensions, organisations
from service.web.signin import IAP_HEADER
from tests.auth_tokens import TEST_AUDIENCE, TEST_EMAIL
from tests.web.conftest import ADMIN, PRO
from tests.web.iap_tokens import IAP_AUDIENCE

HEADER = "email_address,initial_password,first_name,last_name,birthdate,gender,tag"
# every mistake here has one obvious fix, so the fixed copy is clean
FIXABLE = (
    f"{HEADER}\n"
    "Ann@Example.com,Abcdef1!x,Ann,Lee,1980-01-01,female,VIP\n"
    "Bob@Example.com,Abcdef1!y,Bob,Ray,19810202,Male,\n"
    "cy@example.com,Abcdef1!z,Cy,Fox,19820303,male,vip\n"
)


def upload(page, path: Path) -> None:
    page.set_input_files("#file", str(path))
    page.wait_for_selector(f"#summary >> text={path.name}")


def groups(page) -> list[tuple[str, str, str, str]]:
    """(column, message, cells, count) of each row of the grouped issues."""
    rows = page.query_selector_all("#issue-groups tbody tr")
    cells = [[td.inner_text() for td in row.query_selector_all("td")] for row in rows]
    return [(c[1], c[2], c[3], c[4]) for c in cells]


def test_a_pro_fixes_a_file_imports_it_with_progress_and_finds_the_clients(new_page, tmp_path):
    page = new_page(PRO)
    roster = tmp_path / "team.csv"
    roster.write_text(FIXABLE, encoding="utf-8")
    upload(page, roster)

    found = groups(page)
    assert (
        "email_address",
        "Email addresses must be all lowercase. (2 fixable)",
        "A2, A3",
        "2",
    ) in found
    assert len(found) == 4  # email (2 cells), birthdate, gender, tag
    assert "3 rows" in page.inner_text("#summary") and "5 errors" in page.inner_text("#summary")

    with page.expect_download() as download:
        page.click("#download-fixed")
    fixed = tmp_path / download.value.suggested_filename
    download.value.save_as(fixed)
    assert fixed.name == "team-fixed.csv"
    assert "ann@example.com,Abcdef1!x,Ann,Lee,19800101,female,VIP" in fixed.read_text()

    upload(page, fixed)
    assert page.inner_text("#all-clean") == "Every cell is fine: this roster is ready to import."
    seen: list[str] = []  # what the progress bar showed, logged before the page moves on
    page.on("console", lambda message: seen.append(message.text))
    page.evaluate(
        """() => { const bar = document.getElementById('import-progress');
             new MutationObserver(() => console.log(`progress ${bar.value}/${bar.max}`))
               .observe(bar, {attributes: true}); }"""
    )
    page.click("#import-button")
    page.wait_for_url("**/imports/*")
    assert "progress 3/3" in seen
    assert page.inner_text("#status").startswith("Status: succeeded")
    assert page.inner_text("#created") == "3"
    assert "No invitations were sent" in page.inner_text("#no-invitations")
    outcomes = [row.inner_text().split("\t") for row in page.query_selector_all("#rows tbody tr")]
    assert [(o[1], o[2]) for o in outcomes] == [
        ("ann@example.com", "created"),
        ("bob@example.com", "created"),
        ("cy@example.com", "created"),
    ]

    page.click("text=See the clients")
    listed = page.inner_text("#clients")
    assert "ann@example.com" in listed and "cy@example.com" in listed
    assert "Abcdef1" not in page.content()  # nothing shows a password


def test_an_admin_creates_a_tag_that_the_next_upload_accepts(new_page, tmp_path):
    page = new_page(ADMIN)
    roster = tmp_path / "tagged.csv"
    roster.write_text(f"{HEADER}\nann@example.com,Abcdef1!x,Ann,Lee,19800101,female,Yoga\n")
    upload(page, roster)
    assert "5 errors" not in page.inner_text("#summary") and "1 errors" in page.inner_text(
        "#summary"
    )

    page.click("nav >> text=Organisation")
    page.fill("#tag-name", "Yoga")
    page.keyboard.press("Enter")  # the form works from the keyboard
    page.wait_for_selector("#flash")
    assert "Yoga" in page.inner_text("#tags")

    page.click("nav >> text=Upload")
    upload(page, roster)
    assert page.inner_text("#all-clean").startswith("Every cell is fine")


def test_a_pro_does_not_see_the_admin_pages(new_page, console):
    page = new_page(PRO)
    assert page.query_selector("nav >> text=Organisation") is None
    response = page.goto(f"{console.url}/o/default/organisation")
    assert response.status == 403
    assert "Only the admins of default" in page.inner_text("#error")


def test_a_dropped_file_is_checked(new_page, tmp_path):
    page = new_page(PRO)
    data = f"{HEADER}\nann@example.com,Abcdef1!x,Ann,Lee,19800101,female,\n"
    handle = page.evaluate_handle(
        """(text) => { const transfer = new DataTransfer();
             transfer.items.add(new File([text], 'dropped.csv', {type: 'text/csv'}));
             return transfer; }""",
        data,
    )
    page.dispatch_event("#upload-form", "drop", {"dataTransfer": handle})
    page.wait_for_selector("#summary >> text=dropped.csv")
    assert page.inner_text("#all-clean").startswith("Every cell is fine")


def tab_to(page, selector: str, limit: int = 30) -> None:
    """Press Tab until the element matching `selector` has the focus, as a keyboard user would."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"document.activeElement.matches({selector!r})"):
            return
    raise AssertionError(f"{selector} cannot be reached with Tab")


def test_an_admin_adds_a_tag_with_the_keyboard_alone(new_page):
    page = new_page(ADMIN)
    tab_to(page, "a.skip")  # the first stop is the skip link
    tab_to(page, "nav a[href$='/organisation']")
    page.keyboard.press("Enter")
    page.wait_for_selector("#tag-name")
    tab_to(page, "#tag-name")
    page.keyboard.type("Pilates")
    page.keyboard.press("Enter")
    page.wait_for_selector("#flash")
    assert "Pilates" in page.inner_text("#tags")


def test_the_file_button_is_reachable_with_the_keyboard(new_page):
    page = new_page(PRO)
    tab_to(page, "#file")


def test_an_admin_undoes_an_import_from_the_history(new_page, tmp_path):
    page = new_page(ADMIN)
    roster = tmp_path / "clean.csv"
    roster.write_text(f"{HEADER}\nzed@example.com,Abcdef1!x,Zed,Lee,19800101,female,VIP\n")
    upload(page, roster)
    page.click("#import-button")
    page.wait_for_url("**/imports/*")
    page.click("nav >> text=Imports")
    assert page.get_attribute("#imports-chart", "role") == "img"
    page.click("#imports tbody tr a")
    page.click("#undo")
    page.wait_for_selector("#flash")
    assert "1 client removed" in page.inner_text("#flash")
    assert page.inner_text("#status").startswith("Status: undone")
    page.click("nav >> text=Clients")
    assert "zed@example.com" not in page.inner_text("#clients")


def test_an_admin_copies_a_new_link_code(new_page):
    page = new_page(ADMIN)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.click("nav >> text=Organisation")
    page.click("#new-link-code")
    code = page.inner_text("#link-code")
    assert "valid until" in page.inner_text("#link-code-expiry")
    page.click("#copy-link-code")
    page.wait_for_selector("#copy-link-code >> text=Copied")
    assert page.evaluate("navigator.clipboard.readText()") == code


@pytest.fixture
def google_console(settings, certs_url):
    """The console with Sign in with Google, its tokens verified against local certificates."""
    app = create_app(
        {
            "ROSTER_SETTINGS": settings.replace(
                auth_mode="google",
                id_token_audiences=(TEST_AUDIENCE,),
                id_token_certs_url=certs_url,
                web_client_id=TEST_AUDIENCE,
                secret_key="a-browser-test-secret-key-0123456789-abcdef",
            )
        }
    )
    db = extensions.db(app)
    organisations.add_member(db, organisations.resolve(db), TEST_EMAIL, "pro")
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    extensions.close(app)


def google_button_answers(browser, url: str, credential: str):
    """Open the sign-in page and answer as Google's button does, with `credential`."""
    context = browser.new_context()
    page = context.new_page()
    page.route("https://accounts.google.com/**", lambda route: route.abort())  # offline here
    page.goto(f"{url}/signin")
    page.evaluate("(credential) => window.rosterGoogleSignIn({credential})", credential)
    return context, page


def test_a_google_id_token_from_the_button_signs_the_browser_in(
    browser, google_console, make_token
):
    context, page = google_button_answers(browser, google_console, make_token())
    page.wait_for_url("**/o/default/upload")
    assert page.inner_text("#who") == TEST_EMAIL
    context.close()


@pytest.mark.parametrize(
    "claims",
    [
        pytest.param({"signed_by_stranger": True}, id="forged"),
        pytest.param({"audience": "another-app.apps.googleusercontent.com"}, id="foreign audience"),
    ],
)
def test_a_forged_or_foreign_google_id_token_leaves_the_browser_signed_out(
    browser, google_console, make_token, claims
):
    context, page = google_button_answers(browser, google_console, make_token(**claims))
    page.wait_for_selector("#signin-error:not([hidden])")
    assert page.url.endswith("/signin")
    page.goto(f"{google_console}/o/default/upload")
    assert page.url.startswith(f"{google_console}/signin")  # sent back to sign in
    context.close()


@pytest.fixture
def iap_console(settings, iap_keys):
    """The console behind (a stand-in for) Identity-Aware Proxy: the browser sends its header."""
    app = create_app(
        {
            "ROSTER_SETTINGS": settings.replace(
                auth_mode="google",
                id_token_audiences=(TEST_AUDIENCE,),
                iap_audience=IAP_AUDIENCE,
                iap_certs_url=iap_keys[2],
                secret_key="a-browser-test-secret-key-0123456789-abcdef",
            )
        }
    )
    db = extensions.db(app)
    organisations.add_member(db, organisations.resolve(db), TEST_EMAIL, "pro")
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    extensions.close(app)


@pytest.mark.parametrize(
    ("claims", "status"),
    [
        pytest.param({}, 200, id="signed by IAP"),
        pytest.param(None, 401, id="unsigned"),
        pytest.param({"forged": True}, 401, id="forged"),
        pytest.param({"audience": "/projects/9/apps/other"}, 401, id="foreign audience"),
    ],
)
def test_behind_iap_only_an_assertion_of_ours_opens_the_console(
    browser, iap_console, iap_assertion, claims, status
):
    headers = {} if claims is None else {IAP_HEADER: iap_assertion(**claims)}
    context = browser.new_context(extra_http_headers=headers)
    page = context.new_page()
    response = page.goto(f"{iap_console}/o/default/upload")
    assert response.status == status
    if status == 200:
        assert page.inner_text("#who") == TEST_EMAIL
        assert page.query_selector("text=Sign out") is None  # IAP owns the session
    context.close()


DATA = Path(__file__).resolve().parent.parent / "data" / "files"


def test_an_ods_file_is_checked_and_its_fixed_copy_is_an_ods_that_passes(new_page, tmp_path):
    page = new_page(PRO)
    upload(page, DATA / "ambiguous_dates.ods")
    assert "2 errors" in page.inner_text("#summary")
    with page.expect_download() as download:
        page.click("#download-fixed")
    fixed = tmp_path / download.value.suggested_filename
    download.value.save_as(fixed)
    assert fixed.name == "ambiguous_dates-fixed.ods"
    upload(page, fixed)
    assert page.inner_text("#all-clean").startswith("Every cell is fine")


def test_a_member_of_two_organisations_switches_between_them(new_page, console):
    db = console.db
    north = organisations.create_organisation(db, "north-clinic", "North Clinic")
    organisations.add_member(db, north, PRO, "admin")
    page = new_page(PRO)
    page.click("#orgs >> text=Default organisation")  # first, the chooser
    assert page.query_selector("nav >> text=Organisation") is None  # a pro in default
    page.select_option("#org-switcher", "north-clinic")
    page.click(".switcher button")
    page.wait_for_url("**/o/north-clinic/upload")
    assert page.query_selector("nav >> text=Organisation") is not None  # an admin there
