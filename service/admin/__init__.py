"""Admin use cases: an organisation's set-up, its clients, its import history, connecting sheets.

Plain functions with their collaborators passed in, called alike by the API, the console and the
CLI; each returns plain dataclasses, never ORM rows.
"""
