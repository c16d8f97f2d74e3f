"""kill -9 at seeded random moments: of a questionnaire session and of a batch.

The benchmarks run ten moments each (``benchmarks/matar_cuestionario.py``,
``benchmarks/matar_lote.py``); these tests run a few, so CI keeps them true.
"""

from __future__ import annotations

import sys

import pytest

from conftest import RAIZ

sys.path.insert(0, str(RAIZ / "benchmarks"))


@pytest.mark.lento
@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals")
def test_kill_9_en_una_sesion_del_cuestionario_no_pierde_lo_confirmado():
    from matar_cuestionario import matar

    resumen = matar(veces=3, semilla=15, mostrar=lambda _: None)
    assert set(resumen) <= {"anterior", "nuevo", "sin cambio (el paso no guarda)"}, resumen
    assert sum(resumen.values()) == 3


@pytest.mark.lento
@pytest.mark.skipif(sys.platform == "win32", reason="process groups")
def test_kill_9_en_un_lote_deja_un_conjunto_completo():
    """Two kills of a small batch, one of them while it writes its tables and swaps folders."""
    from matar_lote import matar

    resumen, ocultos, correcto = matar(
        tamano=12, veces=2, final=1, semilla=3, mostrar=lambda _: None
    )
    assert resumen["mezcla"] == 0, resumen
    assert sum(resumen.values()) == 2
    assert ocultos == [] and correcto
