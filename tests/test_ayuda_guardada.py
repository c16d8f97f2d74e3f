"""``--help`` answered without click (cli.ayuda): the same bytes click prints, for
every command and both spellings; anything else still goes through click."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import click
import pytest

from conftest import correr
from diagnostico_experto.cli import ayuda
from diagnostico_experto.cli.principal import principal

REGENERAR = (
    "la ayuda guardada no es la de click; regenérela con: uv run python -m tools.referencia_cli"
)


def _caminos(grupo: click.Group, camino: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    caminos = [camino]
    for nombre, comando in grupo.commands.items():
        if isinstance(comando, click.Group):
            caminos += _caminos(comando, (*camino, nombre))
        else:
            caminos.append((*camino, nombre))
    return caminos


@pytest.mark.parametrize("opcion", ayuda.OPCIONES)
@pytest.mark.parametrize("camino", _caminos(principal), ids=lambda c: " ".join(c) or "diagnostico")
def test_la_ayuda_guardada_es_la_que_escribe_click(capsys, monkeypatch, camino, opcion):
    monkeypatch.setenv("COLUMNS", str(ayuda.COLUMNAS))
    codigo, de_click, _ = correr(capsys, *camino, opcion)
    assert codigo == 0
    assert ayuda.guardada([*camino, opcion], ayuda.COLUMNAS) == de_click, REGENERAR


def test_la_ayuda_guardada_esta_al_dia_con_los_comandos():
    guardada = Path(ayuda.ARCHIVO).read_text(encoding="utf-8")
    assert guardada == ayuda.renderizada(), REGENERAR


def test_la_ayuda_guardada_cambia_si_cambia_una_ayuda(monkeypatch):
    """The checks above can fail: a changed help text changes what click renders."""
    evaluar = principal.commands["evaluar"]
    antes = ayuda.renderizada()
    monkeypatch.setattr(evaluar, "help", (evaluar.help or "") + " Texto agregado.")
    assert ayuda.renderizada() != antes


@pytest.mark.parametrize(
    "argumentos",
    [
        [],
        ["evaluar"],
        ["--reglas", "x", "--help"],  # an option before: click parses it
        ["evaluar", "x.yaml", "--help"],
        ["reglas calibrar", "--help"],  # one argument with a space is no command
        ["no-existe", "--help"],
        ["--help", "--help"],
    ],
)
def test_solo_un_pedido_exacto_de_ayuda_usa_la_guardada(argumentos):
    assert ayuda.guardada(argumentos, 200) is None


def test_una_terminal_angosta_recibe_la_ayuda_de_click():
    assert ayuda.guardada(["--help"], ayuda.COLUMNAS - 1) is None


def _programa(columnas: int, *argumentos: str) -> subprocess.CompletedProcess[str]:
    entorno = {**os.environ, "COLUMNS": str(columnas), "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "diagnostico_experto", *argumentos],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=entorno,
        check=False,
    )


def _importo_click(importtime: str) -> bool:
    return any(linea.rsplit("|", 1)[-1].strip() == "click" for linea in importtime.splitlines())


def test_el_programa_muestra_la_ayuda_sin_importar_click(capsys, monkeypatch):
    hecho = _programa(100, "reglas", "calibrar", "-h")
    monkeypatch.setenv("COLUMNS", "100")
    codigo, de_click, _ = correr(capsys, "reglas", "calibrar", "-h")
    assert (hecho.returncode, hecho.stdout) == (codigo, de_click)
    assert not _importo_click(hecho.stderr)


def test_en_una_terminal_angosta_el_programa_pasa_por_click(capsys, monkeypatch):
    hecho = _programa(60, "evaluar", "--help")
    monkeypatch.setenv("COLUMNS", "60")
    codigo, de_click, _ = correr(capsys, "evaluar", "--help")
    assert (hecho.returncode, hecho.stdout) == (codigo, de_click)
    assert _importo_click(hecho.stderr)
    assert de_click != ayuda.guardada(["evaluar", "--help"], ayuda.COLUMNAS)


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_una_salida_llena_se_informa_igual_que_con_click():
    """A full disk under the help: one Spanish line and exit 2, with or without click."""
    hechos = []
    for columnas in (100, 60):  # the stored help, then click's
        with Path("/dev/full").open("w") as llena:
            hechos.append(
                subprocess.run(
                    [sys.executable, "-m", "diagnostico_experto", "evaluar", "--help"],
                    stdout=llena,
                    stderr=subprocess.PIPE,
                    text=True,
                    env={**os.environ, "COLUMNS": str(columnas)},
                    check=False,
                )
            )
    assert [(h.returncode, h.stderr) for h in hechos] == [
        (2, ": no se pudo leer o escribir (No space left on device).\n")
    ] * 2
