"""The interactive questionnaire with a mesa comunal at a terminal."""
