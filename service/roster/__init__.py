"""The roster domain: columns, rules, issues, fixes and the validation engine (pure, no I/O)."""
