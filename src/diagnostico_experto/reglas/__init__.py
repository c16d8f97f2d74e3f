"""The rule language: fact vocabulary, conditions, rule files, and their Spanish readings."""
