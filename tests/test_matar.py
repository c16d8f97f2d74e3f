"""kill -9 at seeded random moments: of a questionnaire session and of a batch.

The benchmarks run ten moments each (``benchmarks/matar_cuestionario.py``,
``benchmarks/matar_lote.py``); these tests run a few, so CI keeps them true.
"""

from __future__ import annotations

import sys

import pytest

from conftest import RAIZ


@pytest.mark.lento
@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals")
def test_kill_9_en_una_sesion_del_cuestionario_no_pierde_lo_confirmado():
    from benchmarks.matar_cuestionario import matar

    resumen = matar(veces=3, semilla=15, mostrar=lambda _: None)
    assert set(resumen) <= {"anterior", "nuevo", "sin cambio (el paso no guarda)"}, resumen
    assert sum(resumen.values()) == 3


@pytest.mark.lento
@pytest.mark.skipif(sys.platform == "win32", reason="process groups")
def test_kill_9_en_un_lote_deja_un_conjunto_completo():
    """Two kills of a small batch, one of them while it writes its tables and swaps folders."""
    from benchmarks.matar_lote import matar

    resumen, ocultos, correcto = matar(
        tamano=12, veces=2, final=1, semilla=3, mostrar=lambda _: None
    )
    assert resumen["mezcla"] == 0, resumen
    assert sum(resumen.values()) == 2
    assert ocultos == [] and correcto


@pytest.mark.lento
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="prctl(PR_SET_PDEATHSIG)")
def test_los_workers_terminan_si_el_lote_muere_con_kill_9(tmp_path):
    """kill -9 of the batch process alone (not its group): its workers do not stay behind."""
    import os
    import signal
    import subprocess
    import time

    from conftest import EJEMPLOS

    orden = [sys.executable, "-m", "diagnostico_experto", "lote", str(EJEMPLOS)]
    orden += ["--salida", str(tmp_path / "informes"), "--workers", "2"]
    lote = subprocess.Popen(orden, cwd=RAIZ, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    workers: list[int] = []
    limite = time.monotonic() + 60
    while len(workers) < 2 and lote.poll() is None and time.monotonic() < limite:
        workers = _hijos(lote.pid)
        time.sleep(0.05)
    assert len(workers) == 2, "the batch ended before its workers were seen"
    lote.send_signal(signal.SIGKILL)
    lote.wait()
    limite = time.monotonic() + 10
    while any(_vive(pid) for pid in workers) and time.monotonic() < limite:
        time.sleep(0.05)
    vivos = [pid for pid in workers if _vive(pid)]
    for pid in vivos:
        os.kill(pid, signal.SIGKILL)
    assert vivos == []


def _hijos(pid: int) -> list[int]:
    from pathlib import Path

    hijos = []
    for estado in Path("/proc").glob("[0-9]*/stat"):
        try:
            campos = estado.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(campos[1]) == pid:
            hijos.append(int(estado.parent.name))
    return hijos


def _vive(pid: int) -> bool:
    from pathlib import Path

    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False
