"""The console's upload refuses a file that inflates with 413, over HTTP, before any work."""

from __future__ import annotations

import re
from io import BytesIO

import pytest

from tests.sources import bombs
from tests.web.conftest import PRO


@pytest.fixture
def console(console_app):
    """A pro signed in to the console; the client and the session's CSRF token."""
    client = console_app.test_client()
    page = client.get("/signin")
    token = re.search(r'name="csrf-token" content="([^"]+)"', page.text).group(1)
    client.post("/signin", data={"email": PRO, "csrf_token": token})
    page = client.get("/o/default/upload")
    return client, re.search(r'name="csrf-token" content="([^"]+)"', page.text).group(1)


@pytest.mark.parametrize(
    "name, data, said",
    [
        ("sparse.xlsx", bombs.xlsx_sparse_row(), "row 10,000,000"),
        ("giant.xlsx", bombs.xlsx_giant_cell(20_000_000), "zip bomb"),
        ("blank.csv", bombs.csv_blank_lines(300_000), "blank lines count"),
        ("repeated.ods", bombs.ods_repeated_row(), "row 100,002"),
    ],
)
def test_an_uploaded_bomb_is_refused_with_413(console, name, data, said):
    client, token = console
    response = client.post(
        "/o/default/upload/check",
        data={"file": (BytesIO(data), name)},
        headers={"X-CSRF-Token": token, "X-Requested-With": "fetch"},
    )
    assert response.status_code == 413
    assert said in response.json["detail"]
