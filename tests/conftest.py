"""Fixtures shared by every test."""

pytest_plugins = ["tests.auth_tokens"]
