"""Batch evaluation of many comunas: inputs (folders, planillas), outputs (reports, summaries, index)."""
