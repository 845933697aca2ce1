"""The console's upload refuses a file that inflates with 413, over HTTP, before any work."""

from __future__ import annotations

from io import BytesIO

import pytest

from service import create_app, directory
from tests.sources import bombs


@pytest.fixture
def console(settings):
    app = create_app({"ROSTER_SETTINGS": settings})
    with app.extensions["roster"].db.session() as session:
        organisation = directory.find_organisation(session, None)
        directory.add_member(session, organisation, settings.dev_user, "pro")
    yield app.test_client()
    app.extensions["roster"].close()


@pytest.mark.parametrize(
    "name, data, said",
    [
        ("sparse.xlsx", bombs.xlsx_sparse_row(), b"row 10,000,000"),
        ("giant.xlsx", bombs.xlsx_giant_cell(20_000_000), b"zip bomb"),
        ("blank.csv", bombs.csv_blank_lines(300_000), b"blank lines count"),
        ("repeated.ods", bombs.ods_repeated_row(), b"row 100,002"),
    ],
)
def test_an_uploaded_bomb_is_refused_with_413(console, name, data, said):
    response = console.post(
        "/check", data={"roster": (BytesIO(data), name)}, content_type="multipart/form-data"
    )
    assert response.status_code == 413
    assert said in response.data
