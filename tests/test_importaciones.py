"""What a command imports: ``--help`` no engine and no models; the Markdown report no
Word, spreadsheet or image library (issue 31). Each in a fresh process."""

from __future__ import annotations

import json
import subprocess
import sys

from conftest import EJEMPLOS

_IMPORTADOS = """
import contextlib, io, json, sys
from diagnostico_experto.cli.principal import main
with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
    codigo = main(sys.argv[1:])
print(json.dumps([codigo, sorted(sys.modules)]))
"""

PESADAS = ("docxtpl", "docx", "openpyxl", "PIL", "xlsxwriter")


def importados(*argumentos: str) -> set[str]:
    hecho = subprocess.run(
        [sys.executable, "-c", _IMPORTADOS, *argumentos],
        capture_output=True,
        text=True,
        check=True,
    )
    codigo, modulos = json.loads(hecho.stdout)
    assert codigo == 0, hecho.stderr
    return {m.split(".")[0] if not m.startswith("diagnostico_experto") else m for m in modulos}


def test_la_ayuda_no_carga_el_motor_ni_los_modelos():
    modulos = importados("--help")
    assert not {"pydantic", "experta", "jinja2", "ruamel", *PESADAS} & modulos
    assert not any(m.startswith("diagnostico_experto.motor") for m in modulos)


def test_el_informe_markdown_no_carga_word_planillas_ni_imagenes():
    modulos = importados("evaluar", str(EJEMPLOS / "penco.yaml"))
    assert "experta" in modulos  # it did evaluate
    assert not set(PESADAS) & modulos
