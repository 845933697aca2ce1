"""What the API says when errors block an import of a sheet: the notes, and the other mode."""

from __future__ import annotations


def test_a_blocked_sheet_import_points_at_the_notes_and_offers_skipping_invalid_rows(
    client, spreadsheet, auth
):
    response = client.post(f"/api/v1/sheets/{spreadsheet}/imports", json={}, headers=auth())
    assert response.status_code == 422
    assert response.json["detail"] == (
        "Nothing was imported: the roster has 2 errors. Each cell with an error has a Roster "
        "note in the sheet; Roster > Fix what can be fixed applies the suggested fixes. Or "
        "choose to skip invalid rows to import the 1 row without errors and leave out the 2 "
        "rows with errors."
    )
