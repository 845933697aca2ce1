"""Where grids come from and where notes go: Google Sheets, CSV and XLSX files."""
