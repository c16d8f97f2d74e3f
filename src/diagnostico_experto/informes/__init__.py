"""Reports of one comuna rendered from a Resultado (Markdown, HTML, JSON)."""
