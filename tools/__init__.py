"""Build-time tools: they write files the repository keeps (docs, templates); never run by users."""
