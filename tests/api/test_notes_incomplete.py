"""A validate whose notes Google stops taking part-way says how many went in, in its 503."""

from __future__ import annotations

from service import extensions
from service.sources import google_sheets

PROBLEM = "application/problem+json"


def test_a_validate_cut_off_part_way_says_how_many_notes_went_in(
    app, client, spreadsheet, auth, emulator, monkeypatch
):
    monkeypatch.setattr(google_sheets, "PAYLOAD_LIMIT", 400)  # one note a batch
    monkeypatch.setattr(extensions.sheets(app), "_sleep", lambda seconds: None)
    emulator.fail_next(50, status=503, after=2)  # the read and the first batch go through

    response = client.post(
        f"/api/v1/sheets/{spreadsheet}/validate", json={"worksheet_id": 111}, headers=auth()
    )

    written = len(emulator.notes(spreadsheet))
    assert response.status_code == 503 and response.mimetype == PROBLEM
    assert written == 1
    total = response.json["notes"]["total"]
    assert response.json["notes"] == {"written": 1, "total": total} and total > 1
    assert response.json["detail"] == (
        f"Google Sheets stopped answering after Roster wrote 1 of {total} notes: "
        "validate again in a minute to write the rest."
    )
