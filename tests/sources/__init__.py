"""Tests of the sources: Google Sheets (against the emulator), CSV and XLSX."""
