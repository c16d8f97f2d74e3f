"""The knowledge a consultant tunes: comunas, services catalogue, parameters, questions, and a comuna's answers."""
