"""Shared helpers: answer files written in tmp_path, the CLI run in-process."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from diagnostico_experto.cli.principal import main
from diagnostico_experto.comun.rutas import carpeta_por_defecto
from diagnostico_experto.conocimiento.carpeta import Conocimiento, cargar_conocimiento
from diagnostico_experto.motor.motor import Motor

RAIZ = Path(__file__).resolve().parent.parent
REGLAS = carpeta_por_defecto("rules")
CONOCIMIENTO = carpeta_por_defecto("knowledge")
EJEMPLOS = CONOCIMIENTO / "ejemplos"


@pytest.fixture(scope="session", autouse=True)
def cache_aparte(tmp_path_factory):
    """The tests' cache of loaded folders is their own, not the user's."""
    anterior = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("cache"))
    yield
    if anterior is None:
        os.environ.pop("XDG_CACHE_HOME")
    else:
        os.environ["XDG_CACHE_HOME"] = anterior


@pytest.fixture(scope="session")
def conocimiento() -> Conocimiento:
    return cargar_conocimiento(CONOCIMIENTO)


@pytest.fixture(scope="session")
def motor() -> Motor:
    return Motor.desde_carpetas(REGLAS, CONOCIMIENTO)


def escribir_yaml(ruta: Path, datos: Any) -> Path:
    yaml = YAML()
    ruta.parent.mkdir(parents=True, exist_ok=True)
    with ruta.open("w", encoding="utf-8") as f:
        yaml.dump(datos, f)
    return ruta


def leer_yaml(ruta: Path) -> Any:
    return YAML(typ="safe").load(ruta.read_text(encoding="utf-8"))


def extremo(conocimiento: Conocimiento, mejor: bool) -> dict[str, Any]:
    """Answers with the best (or worst) option of every question that applies."""
    respuestas: dict[str, Any] = {}
    for p in conocimiento.cuestionario.preguntas:
        if not conocimiento.cuestionario.aplica(p, respuestas):
            continue
        if p.tipo == "texto":
            respuestas[p.id] = "Observación de prueba."
        elif p.tipo == "numero":
            tramo = (max if mejor else min)(p.tramos, key=lambda t: t.puntos)
            respuestas[p.id] = int(tramo.desde)
        elif p.tipo == "escala":
            valores = sorted(p.valores(), key=lambda v: p.puntos(v))
            respuestas[p.id] = valores[-1] if mejor else valores[0]
        elif p.tipo == "opcion_multiple":
            if mejor:
                respuestas[p.id] = [o.valor for o in p.opciones if not o.exclusiva]
            else:
                respuestas[p.id] = [min(p.opciones, key=lambda o: o.puntos).valor]
        else:
            opcion = (max if mejor else min)(p.opciones, key=lambda o: o.puntos)
            respuestas[p.id] = opcion.valor
    return respuestas


SERVICIO = {
    "nombre": "PRODESAL",
    "unidad": "UDEL",
    "origen": "indap",
    "clientes": ["pequenos_agricultores"],
    "etapas": ["difusion", "diagnostico"],
}


def archivo_respuestas(
    tmp_path: Path, respuestas: dict[str, Any], nombre: str = "r.yaml", **extra: Any
) -> Path:
    datos = {
        "comuna": "Ninhue",
        "fecha": "2026-11-01",
        "respuestas": respuestas,
        "servicios": [SERVICIO],
    }
    datos.update(extra)
    return escribir_yaml(tmp_path / nombre, datos)


def correr(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str, str]:
    """Run the CLI in-process: exit code, stdout, stderr."""
    codigo = main([str(a) for a in args])
    salida = capsys.readouterr()
    return codigo, salida.out, salida.err


def evaluar_json(capsys: pytest.CaptureFixture[str], archivo: Path, *opciones: str | Path) -> dict:
    codigo, out, err = correr(capsys, "evaluar", archivo, "--formato", "json", *opciones)
    assert codigo == 0, err
    return json.loads(out)


def copiar_carpetas(tmp_path: Path, con_ejemplos: bool = False) -> tuple[Path, Path]:
    """Editable copies of the default rules and knowledge, as a consultant would have."""
    reglas = tmp_path / "rules"
    conocimiento = tmp_path / "knowledge"
    shutil.copytree(REGLAS, reglas, dirs_exist_ok=True)
    sin = () if con_ejemplos else ("ejemplos",)
    shutil.copytree(
        CONOCIMIENTO, conocimiento, ignore=shutil.ignore_patterns(*sin), dirs_exist_ok=True
    )
    return reglas, conocimiento


def con_parametro(conocimiento: Path, nombre: str, valor: Any) -> None:
    """Set a parameter in whichever parameter file of the copy defines it."""
    for archivo in (conocimiento / "parametros.yaml", conocimiento / "horas.yaml"):
        datos = leer_yaml(archivo)
        if nombre in datos["parametros"]:
            datos["parametros"][nombre]["valor"] = valor
            escribir_yaml(archivo, datos)
            return
    raise KeyError(nombre)


def quitar_regla(archivo: Path, id_: str) -> None:
    """Remove one rule from a copied rule file, up to the next rule or section comment."""
    texto = archivo.read_text(encoding="utf-8")
    inicio = texto.index(f"  - id: {id_}\n")
    siguientes = [texto.find(m, inicio + 1) for m in ("\n  - id: ", "\n  # ----")]
    fin = min((i + 1 for i in siguientes if i != -1), default=len(texto))
    archivo.write_text(texto[:inicio] + texto[fin:], encoding="utf-8")


def error_de(capsys, *args) -> str:
    codigo, out, err = correr(capsys, *args)
    assert codigo == 2, (out, err)
    assert "Traceback" not in err
    assert out == ""
    return err.strip()


def error_con_carpetas(capsys, reglas, conocimiento) -> str:
    """The error of evaluating a good answer file with a consultant's broken folders."""
    return error_de(
        capsys,
        "evaluar",
        EJEMPLOS / "yumbel.yaml",
        "--reglas",
        reglas,
        "--conocimiento",
        conocimiento,
    )
