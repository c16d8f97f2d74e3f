"""Each construct of the rule language, through a consultant's extra rule file.

The extra rules conclude ``marca`` facts; they reach the user in the trace of
the result, which is what these tests read. The extra file is added to the
session's engine in memory.
"""

from __future__ import annotations

import shutil

import pytest

from conftest import REGLAS, extremo, motor_con, reglas_de_texto, resultado
from diagnostico_experto.comun.errores import ErrorDiagnostico
from diagnostico_experto.comun.restricciones import OPERADORES_DE
from diagnostico_experto.consultores.linter import validar as revisar
from diagnostico_experto.reglas.esquema import RENOMBRADAS
from diagnostico_experto.reglas.hechos import TIPO_DE_CAMPO, TIPOS
from diagnostico_experto.reglas.lenguaje import cargar_reglas
from diagnostico_experto.reglas.regla import Compara

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
            "      - puntaje: {area: estrategia, valor: {menor_que: $umbral_alto}}",
            {"E07": "no"},
            True,
        ),
        (
            "      - puntaje: {area: estrategia, valor: {menor_que: $umbral_alto}}",
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


# --- the typed vocabulary: conditions that could never match are refused at load ------------


def errores(motor, si: str, entonces: str = "      - marca: {nombre: m}\n") -> list[str]:
    texto = f"reglas:\n  - id: t-x\n    descripcion: d\n    si:\n{si}    entonces:\n{entonces}"
    try:
        reglas_de_texto(texto, motor.conocimiento)
    except ErrorDiagnostico as exc:
        return [str(p) for p in exc.problemas]
    return []


@pytest.mark.parametrize(
    ("si", "esperado"),
    [
        (
            "      - respuesta: {pregunta: E07, valor: {al_menos: 3}}\n",
            "extra.yaml:5: reglas[1].si[1].respuesta.valor: «al_menos» no se aplica a E07, "
            "que es sí/no: use valor: si (o valor: no)",
        ),
        (
            "      - respuesta: {pregunta: E01, valor: {contiene: vigentes}}\n",
            "extra.yaml:5: reglas[1].si[1].respuesta.valor: «contiene» no se aplica a E01, "
            "que es de opción única: use valor: vigentes",
        ),
        (
            "      - respuesta: {pregunta: O05, valor: informal}\n",
            "extra.yaml:5: reglas[1].si[1].respuesta.valor: O05 es de opción múltiple (una lista): "
            "use valor: {contiene: informal}",
        ),
        (
            "      - respuesta: {pregunta: O06, valor: {contiene: 3}}\n",
            "extra.yaml:5: reglas[1].si[1].respuesta.valor: «contiene» no se aplica a O06, "
            "que es un número: use valor: {al_menos: 3}",
        ),
        (
            "      - respuesta: {pregunta: E06, valor: alto}\n",
            "extra.yaml:5: reglas[1].si[1].respuesta.valor: E06 es una escala de 1 a 5: "
            "use valor: {al_menos: 3}",
        ),
        (
            "      - respuesta: {pregunta: T07, valor: {al_menos: 3}}\n",
            "extra.yaml:5: reglas[1].si[1].respuesta.valor: «al_menos» no se aplica a T07, "
            'que es un texto libre: use valor: "un texto"',
        ),
        (
            "      - puntaje: {area: estrategia, completo: si}\n",
            "extra.yaml:5: reglas[1].si[1].puntaje.completo: puntaje.completo es verdadero o "
            "falso: use completo: true (o false)",
        ),
        (
            "      - puntaje: {area: estrategia, valor: alto}\n",
            "extra.yaml:5: reglas[1].si[1].puntaje.valor: puntaje.valor es un número: "
            "use valor: {al_menos: 0.5}",
        ),
        (
            "      - servicio: {clientes: emprendedores}\n",
            "extra.yaml:5: reglas[1].si[1].servicio.clientes: servicio.clientes es una lista: "
            "use clientes: {contiene: emprendedores}",
        ),
        (
            "      - etapa: {etapa: {al_menos: 3}}\n",
            "extra.yaml:5: reglas[1].si[1].etapa.etapa: «al_menos» no se aplica a etapa.etapa, "
            "que es un texto: use etapa: difusion",
        ),
        (
            "      - no: {servicio: {etapas: {en: [difusion]}}}\n",
            "extra.yaml:5: reglas[1].si[1].no.servicio.etapas: «en» no se aplica a "
            "servicio.etapas, que es una lista: use etapas: {contiene: difusion}",
        ),
        (
            "      - nivel: {area: estrategia, nivel: {como: nivel}}\n",
            "extra.yaml:5: reglas[1].si[1].nivel.nivel: «como» liga una variable: escriba "
            '«como: "?nombre"» (entre comillas)',
        ),
    ],
)
def test_un_tipo_que_no_calza_es_un_error_al_cargar(motor, si, esperado):
    assert errores(motor, si) == [esperado]


def test_una_conclusion_con_un_valor_de_otro_tipo_es_un_error(motor):
    assert errores(
        motor, "      - comuna: {}\n", "      - horas: {concepto: Refuerzo, horas: dos}\n"
    ) == [
        "extra.yaml:7: reglas[1].entonces[1].horas.horas: horas.horas es un número: «dos» no lo es"
    ]


def test_no_sabe_y_los_tipos_correctos_se_aceptan(motor):
    si = (
        "      - respuesta: {pregunta: O06, valor: no_sabe}\n"
        "      - respuesta: {pregunta: O05, valor: {contiene: informal}}\n"
        "      - respuesta: {pregunta: E06, valor: {al_menos: 2, en: [2, 3]}}\n"
        "      - puntaje: {area: estrategia, completo: false, valor: {menor_que: $umbral_alto}}\n"
        "      - servicio: {etapas: {contiene: difusion}, area_proceso: {fuera_de: [entorno]}}\n"
    )
    assert errores(motor, si) == []


def test_todo_campo_de_todo_hecho_tiene_tipo():
    for tipo in TIPOS.values():
        for campo in tipo.campos:
            assert TIPO_DE_CAMPO[campo] in OPERADORES_DE, (tipo.nombre, campo)


def test_como_liga_y_restringe_a_la_vez(motor, ejemplos):
    si = """      - nivel_vigente:
          area: estrategia
          nivel:
            como: ?n
            distinto: alto"""
    con_regla = motor_con(motor, extra=regla(si, texto="estrategia en {n}"))
    medio = con_regla.evaluar(ejemplos["yumbel"].respuestas).resultado.traza
    assert [p.conclusion for p in medio if p.regla == "t-regla"] == ["estrategia en medio"]
    alto = resultado(con_regla, extremo(motor.conocimiento, mejor=True))["traza"]
    assert [p for p in alto if p["regla"] == "t-regla"] == []


def test_las_reglas_incluidas_ligan_y_restringen_con_como(motor):
    # A ``compara`` of a variable with a literal reads better as ``como`` on the
    # field that binds it; the shipped rules are the examples consultants copy.
    con_literal = [
        f"{r.lugar()}: {r.id}"
        for r in motor.reglas
        for c in r.condiciones
        if isinstance(c, Compara) and c.derecha is None
    ]
    assert con_literal == []


def test_los_errores_de_una_tabla_nombran_fila_y_columna_una_vez(motor):
    extra = """tablas:
  - id: t-tabla
    descripcion: d
    si: nivel_vigente
    columnas_si: [area, nivel]
    entonces: horas
    filas:
      - {area: estrategia, nivel: bajo, horas: 2, concepto: A}
      - {area: estrategia, nivel: altisimo, horas: 2, concepto: B}
      - {area: estrategia, nivel: bajo, horas: dos, concepto: C}
      - {area: estrategia, nivel: bajo, hora: 2, concepto: D}
      - {area: estrategia, horas: 2, concepto: E}
"""
    with pytest.raises(ErrorDiagnostico) as error:
        reglas_de_texto(extra, motor.conocimiento)
    assert [str(p) for p in error.value.problemas] == [  # rows that are no rule, then the rules
        "extra.yaml:11: tablas[1].filas[4].hora: columna desconocida «hora» ¿Quiso decir «horas»?",
        "extra.yaml:12: tablas[1].filas[5]: faltan las columnas nivel",
        "extra.yaml:9: tablas[1].filas[2].nivel: «altisimo» no es un valor posible de "
        "nivel_vigente.nivel ¿Quiso decir «alto»?",
        "extra.yaml:10: tablas[1].filas[3].horas: horas.horas es un número: «dos» no lo es",
    ]


def test_un_archivo_yml_se_lee_como_yaml(motor, tmp_path):
    reglas = tmp_path / "rules"
    shutil.copytree(REGLAS, reglas, ignore=shutil.ignore_patterns("casos"))
    (reglas / "extra.yml").write_text(
        regla("      - comuna: {}", texto="desde yml"), encoding="utf-8"
    )
    cargadas = cargar_reglas(reglas, motor.conocimiento)
    extra = [r for r in cargadas if r.id == "t-regla"]
    assert [(r.archivo.rsplit("/", 1)[-1], r.linea) for r in extra] == [("extra.yml", 3)]


def test_una_clave_renombrada_sigue_funcionando_con_un_aviso(motor, monkeypatch):
    monkeypatch.setitem(RENOMBRADAS, "condiciones", "si")
    texto = regla("      - comuna: {}").replace("    si:\n", "    condiciones:\n")
    [leida] = reglas_de_texto(texto, motor.conocimiento)
    assert leida.avisos == (
        (
            "extra.yaml:6",
            "«condiciones» ahora se llama «si»; el archivo sigue funcionando, pero cámbielo a «si»",
        ),
    )
    avisos = [str(h) for h in revisar([*motor.reglas, leida], motor.conocimiento)]
    assert (
        "extra.yaml:6: advertencia: «condiciones» ahora se llama «si»; el archivo sigue "
        "funcionando, pero cámbielo a «si»"
    ) in avisos


def test_variable_de_un_campo_opcional_exige_que_el_hecho_lo_tenga(motor, conocimiento):
    """A variable that joins nothing is read from the matched fact: a fact without that
    (optional) field still does not match, as when the network bound it."""
    extra = """
reglas:
  - id: t-horas-con-area
    descripcion: prueba
    si:
      - horas: {area: "?a", concepto: "?c"}
    entonces:
      - marca: {nombre: prueba, texto: "{c} ({a})"}
"""
    r = resultado(motor_con(motor, extra=extra), extremo(conocimiento, mejor=False))
    detalle = r["horas"]["detalle"]
    assert any(linea["area"] is None for linea in detalle)  # lines without area exist
    marcadas = [p["conclusion"] for p in r["traza"] if p["regla"] == "t-horas-con-area"]
    esperadas = [f"{ln['concepto']} ({ln['area']})" for ln in detalle if ln["area"]]
    assert sorted(marcadas) == sorted(esperadas)
