"""Each construct of the rule language, through a consultant's extra rule file.

The extra rules conclude ``marca`` facts; they reach the user in the trace of
the result, which is what these tests read. The extra file is added to the
session's engine in memory.
"""

from __future__ import annotations

import pytest

from conftest import extremo, motor_con, resultado

SERVICIOS = [
    {
        "nombre": "A",
        "unidad": "UDEL",
        "origen": "indap",
        "clientes": ["pequenos_agricultores"],
        "etapas": ["difusion", "diagnostico"],
    },
    {
        "nombre": "B",
        "unidad": "DIDECO",
        "origen": "municipal",
        "clientes": ["pequenos_agricultores", "emprendedores"],
        "etapas": ["difusion", "financiamiento"],
    },
    {
        "nombre": "C",
        "unidad": "OMIL",
        "origen": "sence",
        "clientes": ["buscadores_empleo"],
        "etapas": ["difusion"],
    },
]


def marcas(motor, reglas_extra: str, respuestas: dict, servicios=SERVICIOS) -> list[str]:
    r = resultado(motor_con(motor, extra=reglas_extra), respuestas, servicios=servicios)
    return [p["conclusion"] for p in r["traza"] if p["regla"].startswith("t-")]


def regla(si: str, texto: str = "disparada", prioridad: int = 0) -> str:
    return f"""
reglas:
  - id: t-regla
    descripcion: prueba
    prioridad: {prioridad}
    si:
{si}
    entonces:
      - marca: {{nombre: prueba, texto: "{texto}"}}
"""


@pytest.mark.parametrize(
    ("condicion", "respuestas", "dispara"),
    [
        # literal
        ("      - respuesta: {pregunta: E07, valor: si}", {"E07": "si"}, True),
        ("      - respuesta: {pregunta: E07, valor: si}", {"E07": "no"}, False),
        # comparison, on a number and against a parameter
        ("      - respuesta: {pregunta: O06, valor: {al_menos: 3}}", {"O06": 3}, True),
        ("      - respuesta: {pregunta: O06, valor: {mayor_que: 3}}", {"O06": 3}, False),
        (
            "      - respuesta: {pregunta: O06, valor: {al_menos: 2, menor_que: 4}}",
            {"O06": 4},
            False,
        ),
        (
            "      - puntaje: {area: estrategia, valor: {menor_que: $umbral_medio}}",
            {"E07": "no"},
            True,
        ),
        (
            "      - puntaje: {area: estrategia, valor: {menor_que: $umbral_medio}}",
            {"E07": "si"},
            False,
        ),
        # membership
        (
            "      - respuesta: {pregunta: E02, valor: {en: [plan_propio, pladeco_explicitos]}}",
            {"E02": "pladeco_explicitos"},
            True,
        ),
        (
            "      - respuesta: {pregunta: E02, valor: {fuera_de: [no_hay, obsoletos]}}",
            {"E02": "no_hay"},
            False,
        ),
        (
            "      - respuesta: {pregunta: O05, valor: {contiene: informal}}",
            {"O05": ["reuniones_equipo", "informal"]},
            True,
        ),
        (
            "      - respuesta: {pregunta: O05, valor: {contiene: informal}}",
            {"O05": ["reuniones_equipo"]},
            False,
        ),
        # negation
        ("      - comuna: {}\n      - no: {servicio: {origen: corfo}}", {}, True),
        ("      - comuna: {}\n      - no: {servicio: {origen: municipal}}", {}, False),
    ],
)
def test_restricciones_y_negacion(motor, condicion, respuestas, dispara):
    assert bool(marcas(motor, regla(condicion), respuestas)) is dispara


def test_variables_unen_hechos_y_compara_evita_pares_repetidos(motor):
    si = """      - etapa:
          servicio: ?a
          cliente: ?c
          etapa: ?e
      - etapa:
          servicio: ?b
          cliente: ?c
          etapa: ?e
      - compara: ["?a", menor_que, "?b"]"""
    resultado = marcas(motor, regla(si, texto="{a}+{b} en {e} para {c}"), {})
    # A and B share pequeños agricultores at difusión; C serves other clients.
    assert resultado == ["A+B en difusion para pequenos_agricultores"]


def test_variable_en_negacion_se_une_con_la_ligada(motor):
    si = """      - servicio:
          nombre: ?s
          unidad: ?u
      - no:
          etapa:
            servicio: ?s
            etapa: financiamiento"""
    resultado = marcas(motor, regla(si, texto="{s} sin financiamiento"), {})
    assert sorted(resultado) == ["A sin financiamiento", "C sin financiamiento"]


def test_compara_con_literal(motor):
    si = """      - respuesta:
          pregunta: O06
          valor: ?n
      - compara: ["?n", distinto, 0]"""
    assert marcas(motor, regla(si, texto="equipo de {n}"), {"O06": 2}) == ["equipo de 2"]
    assert marcas(motor, regla(si), {"O06": 0}) == []


def test_prioridad_decide_que_nivel_gana(motor):
    """A consultant's rule with higher priority than the default ones sets the level first."""
    extra = """
reglas:
  - id: t-alcalde-ausente
    descripcion: Sin alcalde involucrado, la estrategia se trabaja desde lo básico.
    prioridad: 200
    si:
      - respuesta: {pregunta: T01, valor: {a_lo_sumo: 1}}
    entonces:
      - nivel: {area: estrategia, nivel: bajo}
"""
    con_regla = motor_con(motor, extra=extra)
    respuestas = extremo(motor.conocimiento, mejor=True)
    for t01, nivel, regla_id in ((1, "bajo", "t-alcalde-ausente"), (5, "alto", "estrategia-alto")):
        area = resultado(con_regla, dict(respuestas, T01=t01))["areas"]["estrategia"]
        assert (area["nivel"], area["regla"]) == (nivel, regla_id)


def test_tabla_de_decision_genera_una_regla_por_fila(motor):
    extra = """
tablas:
  - id: t-tabla
    descripcion: Marca por nivel vigente de estrategia.
    si: nivel_vigente
    columnas_si: [area, nivel]
    entonces: marca
    filas:
      - {area: estrategia, nivel: bajo, nombre: e-bajo, texto: estrategia en bajo}
      - {area: estrategia, nivel: alto, nombre: e-alto, texto: estrategia en alto}
"""
    assert marcas(motor, extra, {}) == ["estrategia en bajo"]
