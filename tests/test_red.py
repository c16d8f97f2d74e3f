"""The project's path through experta's network gives byte-identical results to experta's own.

Also the fusion pairing: indexed by client and stage, the same pairs as
comparing every service with every other.
"""

from __future__ import annotations

import hashlib
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest
from experta.matchers.rete import ReteMatcher

from benchmarks.inventarios import servicios as inventario
from benchmarks.sinteticas import datos_sinteticos
from conftest import EJEMPLOS, RAIZ, REGLAS
from diagnostico_experto.comun.archivos_yaml import Documento
from diagnostico_experto.conocimiento.carpeta import Conocimiento
from diagnostico_experto.conocimiento.respuestas import (
    Respuestas,
    Servicio,
    cargar_respuestas,
    desde_documento,
)
from diagnostico_experto.motor.motor import Motor
from diagnostico_experto.motor.red import ReteDirigida
from diagnostico_experto.reglas.hechos import pares_que_comparten
from diagnostico_experto.reglas.lenguaje import cargar_reglas


def comunas(conocimiento: Conocimiento, sinteticas: int) -> list[Respuestas]:
    """The shipped examples, synthetic comunas, and one comuna with 60 services."""
    azar = random.Random(16)
    nombres = conocimiento.comunas()
    datos = [
        datos_sinteticos(conocimiento, azar, nombres[i % len(nombres)]) for i in range(sinteticas)
    ]
    datos.append({**datos[0], "servicios": inventario(conocimiento, 60)})
    return [
        *(cargar_respuestas(p, conocimiento) for p in sorted(EJEMPLOS.glob("*.yaml"))),
        *(
            desde_documento(Documento(Path(f"s{i}.yaml"), d), conocimiento)
            for i, d in enumerate(datos)
        ),
    ]


def resultados(motor: Motor, respuestas: list[Respuestas]) -> list[str]:
    return [motor.evaluar(r).resultado.model_dump_json() for r in respuestas]


def huella(motor: Motor, respuestas: list[Respuestas]) -> str:
    return hashlib.sha256("\n".join(resultados(motor, respuestas)).encode()).hexdigest()


@pytest.fixture(scope="module")
def de_experta(conocimiento) -> Motor:
    """The same rules on experta's own path."""
    return Motor(conocimiento, cargar_reglas(REGLAS, conocimiento), str(REGLAS), ReteMatcher)


def test_el_camino_dirigido_da_lo_mismo_que_experta(motor, de_experta, conocimiento):
    assert isinstance(motor._experta.matcher, ReteDirigida)
    assert not isinstance(de_experta._experta.matcher, ReteDirigida)
    respuestas = comunas(conocimiento, 30)
    assert resultados(motor, respuestas) == resultados(de_experta, respuestas)


_HUELLA = """
import sys
sys.path[:0] = [{pruebas!r}, {raiz!r}]
from test_red import comunas, huella
from conftest import REGLAS, CONOCIMIENTO
from diagnostico_experto.motor.motor import Motor
motor = Motor.desde_carpetas(REGLAS, CONOCIMIENTO)
print(huella(motor, comunas(motor.conocimiento, 3)))
"""


@pytest.mark.lento
def test_el_camino_dirigido_no_depende_de_la_semilla_de_hash(de_experta, conocimiento):
    """Under three hash seeds, the project's path gives what experta's gives here."""
    esperada = huella(de_experta, comunas(conocimiento, 3))
    for semilla in ("1", "2", "3"):
        proceso = subprocess.run(
            [
                sys.executable,
                "-c",
                _HUELLA.format(pruebas=str(Path(__file__).parent), raiz=str(RAIZ)),
            ],
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONHASHSEED": semilla},
            check=True,
        )
        assert proceso.stdout.strip() == esperada


def _pares_comparando_todos(servicios: list[Servicio]) -> list[tuple[int, int]]:
    return [
        (i, j)
        for i, a in enumerate(servicios)
        for j in range(i + 1, len(servicios))
        if set(a.clientes) & set(servicios[j].clientes) and set(a.etapas) & set(servicios[j].etapas)
    ]


def test_los_pares_indexados_son_los_de_comparar_todos(conocimiento):
    for n, semilla in ((12, 1), (40, 2), (200, 3)):
        servicios = [Servicio(**s) for s in inventario(conocimiento, n, semilla)]
        pares = pares_que_comparten(servicios)
        assert pares == _pares_comparando_todos(servicios)
        assert pares  # the inventories do overlap


def test_sin_clientes_o_etapas_en_comun_no_hay_pares(conocimiento):
    a, b, c = (
        Servicio(nombre=n, unidad="UDEL", origen="municipal", clientes=cl, etapas=et)
        for n, cl, et in (
            ("A", ["emprendedores"], ["difusion"]),
            ("B", ["emprendedores"], ["capacitacion"]),
            ("C", ["artesanos"], ["difusion"]),
        )
    )
    assert pares_que_comparten([a, b, c]) == []
    assert pares_que_comparten([a, b, c, a]) == [(0, 3)]


def test_evaluar_no_toca_el_recolector(motor, ejemplos):
    """The collector's policy is the program's: an evaluation leaves it as it was."""
    import gc

    respuestas = ejemplos["yumbel"].respuestas
    antes = (gc.isenabled(), gc.get_threshold())
    motor.evaluar(respuestas)
    assert (gc.isenabled(), gc.get_threshold()) == antes
    gc.disable()
    try:
        motor.evaluar(respuestas)
        assert not gc.isenabled()
    finally:
        gc.enable()
