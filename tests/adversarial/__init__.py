"""Issue #10's adversarial cases (a package, so that its test modules may share names with tests/unit/)."""
