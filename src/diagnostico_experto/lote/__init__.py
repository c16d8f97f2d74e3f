"""Batch evaluation of many comunas: inputs (folders, planillas), outputs (reports, summaries, index)."""

import sys


def _openpyxl_sin_numpy() -> None:
    """Import openpyxl without letting it import numpy.

    openpyxl imports numpy, when installed, only to accept numpy numbers in
    cells; this package writes Python numbers. numpy is installed here for
    scikit-learn (calibration), and importing it costs every batch process
    ~25 MiB and ~0.1 s. Hidden only while openpyxl loads: ``import numpy``
    works as usual afterwards.
    """
    if "openpyxl" in sys.modules or "numpy" in sys.modules:
        return
    sys.modules["numpy"] = None  # type: ignore[assignment]  # makes `import numpy` fail
    try:
        import openpyxl  # noqa: F401
    finally:
        del sys.modules["numpy"]


_openpyxl_sin_numpy()
