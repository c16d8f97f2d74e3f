"""Tools for consultants who tune the rules: linter, test cases, comparison of rule sets."""
