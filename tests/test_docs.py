"""The docs say what the code does: each check fails when one changes without the other.

Modelled on datasette's test_docs.py: the CLI reference is the program's own
``--help``, the architecture table is the module files, the rule guide's fact
table is the rule vocabulary. A failure names the command that fixes it.
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest

from conftest import RAIZ
from diagnostico_experto.cli.principal import principal
from diagnostico_experto.reglas.hechos import TIPOS
from tools import referencia_cli

PAQUETE = RAIZ / "src" / "diagnostico_experto"
DOCS = RAIZ / "docs"
README = RAIZ / "README.md"
ARQUITECTURA = DOCS / "arquitectura.md"
GUIA = DOCS / "guia-reglas.md"


def _tabla(ruta: Path, encabezado: str) -> list[list[str]]:
    """The rows of the Markdown table under ``encabezado``, as lists of cells."""
    lineas = ruta.read_text(encoding="utf-8").splitlines()
    inicio = lineas.index(encabezado) + 2
    filas = itertools.takewhile(lambda x: x.startswith("|"), lineas[inicio:])
    return [[c.strip() for c in fila.strip("|").split("|")] for fila in filas]


def _en_comillas(texto: str) -> list[str]:
    return re.findall(r"`([^`]+)`", texto)


# --- the CLI reference ------------------------------------------------------------------------


def test_la_referencia_de_la_linea_de_comandos_es_la_ayuda_de_cada_comando():
    vigente = referencia_cli.REFERENCIA.read_text(encoding="utf-8")
    assert vigente == referencia_cli.referencia(), (
        "docs/cli.md no es la ayuda actual de los comandos; regenérela con: "
        "uv run python -m tools.referencia_cli"
    )


def _rutas_de_comandos() -> list[str]:
    import click

    rutas = []
    for nombre, comando in principal.commands.items():
        rutas.append(f"diagnostico {nombre}")
        if isinstance(comando, click.Group):
            rutas += [f"diagnostico {nombre} {sub}" for sub in comando.commands]
    return sorted(rutas)


@pytest.mark.parametrize("ruta", _rutas_de_comandos())
def test_cada_comando_tiene_su_seccion_en_la_referencia(ruta):
    texto = referencia_cli.REFERENCIA.read_text(encoding="utf-8")
    assert f"## `{ruta}`\n" in texto
    assert f"Uso: {ruta} " in texto


def test_la_referencia_cambia_si_cambia_una_ayuda(monkeypatch):
    """The check above can fail: a changed help text changes the reference."""
    evaluar = principal.commands["evaluar"]
    antes = referencia_cli.referencia()
    monkeypatch.setattr(evaluar, "help", (evaluar.help or "") + " Texto agregado.")
    assert referencia_cli.referencia() != antes


# --- the architecture table -------------------------------------------------------------------


def _modulos_de_la_tabla() -> dict[str, set[str]]:
    filas = _tabla(ARQUITECTURA, "| capa | módulos | qué contiene |")
    return {c[0].strip("`/"): set(_en_comillas(c[1])) for c in filas}


def _modulos_en_disco() -> dict[str, set[str]]:
    capas = {}
    for carpeta in sorted(p for p in PAQUETE.iterdir() if (p / "__init__.py").exists()):
        modulos = {p.stem for p in carpeta.glob("*.py") if p.stem != "__init__"}
        modulos |= {f"{p.name}/*.j2" for p in carpeta.iterdir() if any(p.glob("*.j2"))}
        capas[carpeta.name] = modulos
    return capas


def test_la_tabla_de_modulos_de_arquitectura_es_la_de_los_archivos():
    assert _modulos_de_la_tabla() == _modulos_en_disco(), (
        "docs/arquitectura.md («Dónde vive cada concepto») no nombra exactamente los módulos de "
        "src/diagnostico_experto/: agregue o quite el módulo en la fila de su capa"
    )


def test_cada_capa_de_la_tabla_esta_en_el_contrato_de_capas():
    contrato = (RAIZ / "pyproject.toml").read_text(encoding="utf-8")
    for capa in _modulos_de_la_tabla():
        assert f'"diagnostico_experto.{capa}' in contrato, capa


# --- the rule guide ---------------------------------------------------------------------------


def test_la_tabla_de_hechos_de_la_guia_es_el_vocabulario_de_las_reglas():
    guia = {}
    for hechos, campos in _tabla(GUIA, "| hecho | campos |"):
        sin_notas = re.sub(r"\([^)]*\)", "", campos)
        for hecho in _en_comillas(hechos):
            guia[hecho] = {c.strip() for c in sin_notas.split(",") if c.strip()}
    assert guia == {nombre: set(tipo.campos) for nombre, tipo in TIPOS.items()}


def test_los_campos_opcionales_de_cada_hecho_estan_dichos_en_la_guia():
    filas = {
        h: campos
        for hechos, campos in _tabla(GUIA, "| hecho | campos |")
        for h in _en_comillas(hechos)
    }
    for nombre, tipo in TIPOS.items():
        for campo in tipo.opcionales:
            assert f"`{campo}`" in filas[nombre] and "opcional" in filas[nombre], (nombre, campo)


def test_los_casos_de_la_guia_citan_reglas_que_existen(motor):
    from diagnostico_experto.comun.archivos_yaml import leer_texto
    from diagnostico_experto.consultores.casos import ArchivoCasos

    ids = {r.id for r in motor.reglas}
    texto = GUIA.read_text(encoding="utf-8")
    bloques = [b for b in re.findall(r"```yaml\n(.*?)```", texto, flags=re.S) if "casos:" in b]
    assert bloques
    citados = set()
    for bloque in bloques:
        for caso in ArchivoCasos.model_validate(leer_texto(bloque)).casos:
            e = caso.espera
            listas = (
                e.productos,
                e.sin_productos,
                e.ajustes,
                e.sin_ajustes,
                e.vacios,
                e.sin_vacios,
            )
            citados |= {x for lista in listas for x in lista if re.fullmatch(r"[a-z0-9:_-]+", x)}
    assert citados
    assert citados <= ids, sorted(citados - ids)


# --- the README -------------------------------------------------------------------------------


def test_el_readme_es_una_guia_breve():
    assert len(README.read_text(encoding="utf-8").splitlines()) <= 250


def test_el_readme_nombra_cada_comando():
    texto = README.read_text(encoding="utf-8")
    for ruta in _rutas_de_comandos():
        assert f"`{ruta}" in texto, ruta


def test_los_documentos_no_cuentan_reglas_ni_paginas_a_mano():
    """Counts written by hand drift (the README once said 68 rules when there were 130)."""
    for ruta in [README, *DOCS.glob("*.md")]:
        texto = ruta.read_text(encoding="utf-8")
        assert not re.search(r"\b\d+ (reglas|páginas)\b", texto), ruta.name


def test_los_informes_citan_secciones_del_readme_que_existen():
    """A report that sends its reader to the README names a heading the README has."""
    plantillas = RAIZ / "src" / "diagnostico_experto" / "informes" / "plantillas"
    citas = {
        cita
        for plantilla in plantillas.glob("*.j2")
        for cita in re.findall(r"README, «([^»]+)»", plantilla.read_text(encoding="utf-8"))
    }
    assert citas, "the reports cite the README where their defaults are tuned"
    texto = README.read_text(encoding="utf-8")
    assert [c for c in citas if c not in texto] == []
