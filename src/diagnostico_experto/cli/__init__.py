"""The ``diagnostico`` command line: commands, options, Spanish click messages, exit codes."""
