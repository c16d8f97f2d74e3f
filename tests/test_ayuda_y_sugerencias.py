"""The CLI speaks Spanish in every --help, and every command a hint prints runs when pasted."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys

import click
import pytest

from conftest import correr
from diagnostico_experto.cli.principal import principal
from diagnostico_experto.cli.variables import entorno_de
from diagnostico_experto.comun.entorno import Entorno

INGLES = re.compile(
    r"\b(TEXT|DIRECTORY|FILE|INTEGER|RANGE|PATH|FLOAT|BOOLEAN|CHOICE|ARGS|OPTIONS|COMMAND"
    r"|default|required|Usage|Options|Commands|Arguments|Show this message|env var)\b"
)


def _caminos(grupo: click.Group, camino: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    caminos = [camino]
    for nombre, comando in grupo.commands.items():
        if isinstance(comando, click.Group):
            caminos += _caminos(comando, (*camino, nombre))
        else:
            caminos.append((*camino, nombre))
    return caminos


@pytest.mark.parametrize("camino", _caminos(principal), ids=lambda c: " ".join(c) or "diagnostico")
def test_la_ayuda_de_cada_comando_esta_en_espanol(capsys, camino):
    codigo, salida, _ = correr(capsys, *camino, "--help")
    assert codigo == 0
    assert salida.startswith(f"Uso: {' '.join(('diagnostico', *camino))} [OPCIONES]")
    assert INGLES.findall(salida) == []


def test_valores_por_defecto_y_obligatorios_en_espanol(capsys):
    _, lote, _ = correr(capsys, "lote", "--help")
    assert "--salida CARPETA" in lote
    assert "[por defecto: informes]" in lote
    assert "--workers N" in lote and "de 1 a 64" in lote
    _, comparar, _ = correr(capsys, "reglas", "comparar", "--help")
    assert "[obligatorio]" in comparar
    _, evaluar, _ = correr(capsys, "evaluar", "--help")
    assert "--salida ARCHIVO" in evaluar


@pytest.fixture
def sin_uv_ni_programa(monkeypatch, tmp_path):
    """A shell where the program was started as ``python -m`` and is not on PATH."""
    monkeypatch.delenv("UV", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path / "vacia"))


def test_con_uv_run_la_sugerencia_es_uv_run(monkeypatch):
    monkeypatch.setenv("UV", "/usr/bin/uv")
    assert entorno_de(os.environ).comando("cuestionario", "mi comuna.yaml") == (
        "uv run diagnostico cuestionario 'mi comuna.yaml'"
    )


def test_con_el_programa_en_el_path_la_sugerencia_es_el_programa(monkeypatch, tmp_path):
    monkeypatch.delenv("UV", raising=False)
    programa = tmp_path / "diagnostico"
    programa.write_text("#!/bin/sh\n", encoding="utf-8")
    programa.chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path))
    assert entorno_de(os.environ).comando("evaluar", "x.yaml") == "diagnostico evaluar x.yaml"


def test_sin_uv_ni_path_la_sugerencia_es_el_mismo_python(sin_uv_ni_programa):
    assert (
        entorno_de(os.environ).programa == f"{shlex.quote(sys.executable)} -m diagnostico_experto"
    )
    assert Entorno().programa == entorno_de(os.environ).programa  # the library's default


@pytest.mark.lento
@pytest.mark.skipif(sys.platform == "win32", reason="a POSIX shell runs the hint")
def test_la_sugerencia_de_init_corre_pegada_en_la_terminal(capsys, tmp_path, sin_uv_ni_programa):
    carpeta = tmp_path / "con espacio"
    codigo, salida, _ = correr(capsys, "init", carpeta)
    assert codigo == 0
    sugerencias = [linea.strip() for linea in salida.splitlines() if linea.startswith("  ")]
    assert len(sugerencias) == 3
    validar = next(s for s in sugerencias if s.endswith("reglas validar"))
    otra_carpeta = tmp_path / "otra"
    otra_carpeta.mkdir()
    hecho = subprocess.run(
        validar, shell=True, cwd=otra_carpeta, capture_output=True, text=True, timeout=120
    )
    assert hecho.returncode == 0, hecho.stderr
    assert "0 errores" in hecho.stderr


def test_un_error_de_uso_sugiere_una_ayuda_que_corre(capsys, monkeypatch):
    monkeypatch.setenv("UV", "/usr/bin/uv")
    codigo, _, error = correr(capsys, "lote", "--workers", "0")
    assert codigo == 2
    assert "Vea «uv run diagnostico lote --help»." in error
