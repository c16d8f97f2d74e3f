"""Sistema experto para el diagnóstico del fomento productivo municipal."""
