"""What every layer shares: user-facing errors, YAML files with lines, atomic writes, default folders."""
