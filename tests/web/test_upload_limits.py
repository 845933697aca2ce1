"""The console's upload refuses a file that inflates with 413, over HTTP, before any work."""

from __future__ import annotations

from io import BytesIO

import pytest

from tests.sources import bombs
from tests.web.test_console import console_app


@pytest.fixture
def console(settings):
    from service import extensions

    app = console_app(settings)
    yield app.test_client()
    extensions.close(app)


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
