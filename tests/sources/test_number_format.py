"""The XLSX number-format renderer: a number shown as Excel and LibreOffice show it."""

from __future__ import annotations

import pytest
from openpyxl.utils.datetime import from_excel

from service.sources.number_format import DigitsLost, general, render

JULY_14_1990 = 33068  # Excel's serial number, 1900 epoch


@pytest.mark.parametrize(
    "value, number_format, shown",
    [
        (123, "General", "123"),
        (-3.25, "General", "-3.25"),
        (0.1 + 0.2, "General", "0.3"),
        (123456789012345, "General", "123456789012345"),
        (123, "00000", "00123"),
        (3, '"ID-"0000', "ID-0003"),
        (1.5, "0.00", "1.50"),
        (65.25, "0.0", "65.3"),
        (72.5, '0.0 "kg"', "72.5 kg"),
        (1234567.891, "#,##0.00", "1,234,567.89"),
        (12200000, "0.0,,", "12.2"),
        (0.5, "#.##", ".5"),
        (1.0, "#", "1"),
        (0.125, "0%", "13%"),
        (0.125, "0.0%", "12.5%"),
        (-5, "0;(0)", "(5)"),
        (0, '0;-0;"zero"', "zero"),
        (-5, "[Red]0;[Blue]-0", "-5"),
        (150, '[>=100]"big";"small"', "big"),
        (1234.5, "[$€-407] #,##0.00", "€ 1,234.50"),
        (1.23, "0.00_);(0.00)", "1.23 "),
        (42, "@", "42"),
        (JULY_14_1990, "yyyymmdd", "19900714"),
        (JULY_14_1990, "yyyy-mm-dd", "1990-07-14"),
        (JULY_14_1990, "mm/dd/yyyy", "07/14/1990"),
        (JULY_14_1990, "m/d/yy", "7/14/90"),
        (JULY_14_1990, "dd.mm.yyyy", "14.07.1990"),
        (JULY_14_1990, "d mmm yyyy", "14 Jul 1990"),
        (JULY_14_1990, "dddd, mmmm d, yyyy", "Saturday, July 14, 1990"),
        (JULY_14_1990, "[$-409]mmmm d, yyyy;@", "July 14, 1990"),
        (JULY_14_1990 + 0.75, "yyyy-mm-dd hh:mm", "1990-07-14 18:00"),
        (JULY_14_1990 + 0.75, "h:mm AM/PM", "6:00 PM"),
        (JULY_14_1990, "yyyy\\-mm\\-dd", "1990-07-14"),
    ],
)
def test_a_number_is_shown_through_its_format(value, number_format, shown):
    assert render(value, number_format, from_excel) == shown


@pytest.mark.parametrize(
    "value, number_format, shown",
    [
        (4111111111111110144, "General", "4.11111111111111E+18"),
        (1234567890123456, "General", "1.23456789012346E+15"),
        (12345678901234567, "0", "1.23456789012346E+16"),
        (1234, "0.00E+00", "1.23E+03"),
        (0.000001, "General", "1E-06"),
    ],
)
def test_a_number_shown_in_scientific_notation_has_lost_digits(value, number_format, shown):
    with pytest.raises(DigitsLost) as lost:
        render(value, number_format, from_excel)
    assert lost.value.shown == shown


def test_a_date_format_without_an_epoch_shows_the_serial_number():
    assert render(JULY_14_1990, "yyyymmdd") == "33068"


def test_general_shows_booleans_as_a_spreadsheet_does():
    assert general(True) == "TRUE"
