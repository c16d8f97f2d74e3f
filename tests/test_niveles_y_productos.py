"""Levels and the 12 product cells, through the engine API with answers as data."""

from __future__ import annotations

import pytest

from conftest import EJEMPLOS, como_json, evaluar_datos, extremo, leer_yaml, motor_con, resultado
from diagnostico_experto.conocimiento.preguntas import AREAS

TABLA = {
    ("estrategia", "alto"): "Identificación de las fortalezas de la estrategia",
    ("estrategia", "medio"): "Propuesta de mejoramiento de los lineamientos estratégicos",
    ("estrategia", "bajo"): "Definición de los lineamientos de fomento productivo",
    ("estructura", "alto"): "Identificación de las fortalezas de la estructura",
    ("estructura", "medio"): "Propuesta de mejoramiento de la estructura",
    ("estructura", "bajo"): "Nueva estructura de fomento productivo, con definición de funciones",
    ("procesos", "alto"): "Identificación de las fortalezas de los procesos",
    ("procesos", "medio"): "Propuesta de sistemas de medición y registro",
    ("procesos", "bajo"): "Definición del par cliente–producto",
    ("productos", "alto"): "Identificación de las fortalezas de los servicios",
    ("productos", "medio"): "Plan de gestión de entorno y alianzas para atraer más servicios",
    ("productos", "bajo"): "Identificación de los vacíos en el par estrategia–servicios",
}


@pytest.fixture(scope="module")
def perfiles(motor, ejemplos):
    """Results whose every area lands on one level: alto, medio (Yumbel), bajo."""
    return {
        "alto": resultado(motor, extremo(motor.conocimiento, mejor=True)),
        "medio": como_json(ejemplos["yumbel"]),
        "bajo": resultado(motor, extremo(motor.conocimiento, mejor=False)),
    }


@pytest.mark.parametrize(("area", "nivel"), list(TABLA))
def test_cada_celda_de_la_tabla_de_productos(perfiles, area, nivel):
    r = perfiles[nivel]
    assert r["areas"][area]["nivel"] == nivel
    del_area = [p for p in r["productos"] if p["area"] == area]
    genericos = [p for p in del_area if p["regla"].startswith("producto-generico:")]
    assert len(genericos) == 1
    assert genericos[0]["nivel"] == nivel
    assert genericos[0]["texto"].startswith(TABLA[(area, nivel)])
    assert genericos[0]["regla"] == f"producto-generico:{area}-{nivel}"
    if nivel == "alto":  # alto: only the workshop that identifies the strengths
        assert del_area == genericos


def test_los_ejemplos_cubren_los_tres_niveles_en_cada_area(ejemplos):
    vistos = {area: set() for area in AREAS}
    archivos = sorted(EJEMPLOS.glob("*.yaml"))
    assert len(archivos) >= 3
    assert sorted(ejemplos) == [a.stem for a in archivos]
    for archivo in archivos:
        datos = leer_yaml(archivo)
        assert datos["ilustrativo"] is True
        assert "ILUSTRATIVAS" in archivo.read_text(encoding="utf-8")
        assert ejemplos[archivo.stem].resultado.ilustrativo is True
        for area, a in ejemplos[archivo.stem].resultado.areas.items():
            vistos[area].add(a.nivel)
    assert all(niveles == {"alto", "medio", "bajo"} for niveles in vistos.values()), vistos


def test_carencia_decisiva_gana_al_puntaje(motor):
    respuestas = extremo(motor.conocimiento, mejor=True)
    respuestas["E02"] = "no_hay"  # everything else at its best
    estrategia = resultado(motor, respuestas)["areas"]["estrategia"]
    assert estrategia["puntaje"] > 0.75
    assert estrategia["nivel"] == "bajo"
    assert estrategia["regla"] == "estrategia-bajo-sin-lineamientos"


def test_sin_servicios_productos_queda_bajo(motor):
    r = resultado(motor, dict(extremo(motor.conocimiento, mejor=True), S01=0), servicios=[])
    productos = r["areas"]["productos"]
    assert productos["nivel"] == "bajo"
    assert productos["regla"] == "productos-bajo-sin-servicios"
    assert productos["lectura"].startswith(
        "bajo: la municipalidad no ofrece servicios de fomento productivo"
    )


def test_no_se_no_cuenta_como_cero(motor):
    base = extremo(motor.conocimiento, mejor=True)
    puntaje_no = resultado(motor, dict(base, E07="no"))
    puntaje_no_se = resultado(motor, dict(base, E07="no_sabe"))
    assert puntaje_no_se["areas"]["estrategia"]["puntaje"] == 1.0
    assert puntaje_no["areas"]["estrategia"]["puntaje"] < 1.0
    assert puntaje_no_se["areas"]["estrategia"]["desconocidas"] == 1


def test_area_con_muchas_desconocidas_es_incompleta_y_no_alcanza_alto(motor):
    respuestas = extremo(motor.conocimiento, mejor=True)
    for id_ in ("E04", "E05", "E06", "E07", "E08"):
        respuestas[id_] = "no_sabe"
    r = resultado(motor, respuestas)
    estrategia = r["areas"]["estrategia"]
    assert estrategia["completo"] is False
    assert estrategia["puntaje"] == 1.0  # what is known is all good…
    assert estrategia["nivel"] == "medio"  # …but an incomplete area cannot be alto
    assert estrategia["desconocidas"] == 5
    assert [a for a in r["advertencias"] if "incompleta" in a] == [
        f"El área Estrategia está incompleta: 5 de {aplicables(motor, 'estrategia', respuestas)} "
        "preguntas sin respuesta o con «no sé»."
    ]


def aplicables(motor, area, respuestas):
    cuestionario = motor.conocimiento.cuestionario
    return sum(
        1 for p in cuestionario.de_area(area) if p.puntua() and cuestionario.aplica(p, respuestas)
    )


def test_area_sin_respuestas_queda_baja_sin_puntaje(motor):
    r = resultado(motor, {})
    for area in AREAS:
        assert r["areas"][area]["nivel"] == "bajo"
        assert r["areas"][area]["puntaje"] is None
        assert r["areas"][area]["completo"] is False


def test_existe_pero_debil_es_medio_aunque_el_logro_sea_bajo(motor):
    """Processes identified at a workshop, no indicators, no register: medio, not bajo."""
    respuestas = {"P01": "parcial", "P02": "parcial", "P03": "no", "P04": "no_hay", "P07": "no"}
    procesos = resultado(motor, respuestas)["areas"]["procesos"]
    assert procesos["puntaje"] < 0.3
    assert procesos["nivel"] == "medio"
    assert procesos["lectura"].startswith(
        "medio: hay procesos estratégicos identificados, pero solo algunos"
    )
    assert "no hay sistemas de medición ni de registro de información" in procesos["lectura"]


@pytest.mark.parametrize(("umbral", "nivel"), [(0.6111, "alto"), (0.6112, "medio")])
def test_umbral_alto_confirma_el_uso_en_el_nivel_alto(motor, umbral, nivel):
    """Every key element exists but little else is used: alto only up to its % de logro."""
    respuestas = extremo(motor.conocimiento, mejor=True)
    respuestas.update(E06=1, E07="no", E08="no")
    otro = motor_con(motor, parametros={"umbral_alto": umbral})
    estrategia = resultado(otro, respuestas)["areas"]["estrategia"]
    assert estrategia["nivel"] == nivel


def test_validacion_de_la_mesa_cambia_el_producto_y_conserva_el_diagnostico(ejemplos):
    resultado = como_json(ejemplos["canete"])
    estructura = resultado["areas"]["estructura"]
    assert estructura["nivel"] == "medio"
    assert estructura["validado"]["nivel"] == "bajo"
    assert "nueva estructura" in estructura["validado"]["justificacion"]
    assert estructura["nivel_vigente"] == "bajo"
    producto = next(p for p in resultado["productos"] if p["area"] == "estructura")
    assert producto["nivel"] == "bajo"
    assert any(p["regla"] == "vigente-validado-por-mesa" for p in resultado["traza"])
    assert resultado["areas"]["estrategia"]["validado"] is None


def test_respuesta_a_pregunta_que_no_aplica_se_ignora_con_aviso(motor):
    respuestas = extremo(motor.conocimiento, mejor=False)  # E02 = no_hay, so E03 does not apply
    respuestas["E03"] = "si"
    evaluacion = evaluar_datos(motor, respuestas)
    assert "E03" not in evaluacion.respuestas.respuestas
    assert (
        "La respuesta a «¿El plan de fomento productivo tiene peso político (se usa en el "
        "presupuesto y lo conoce el concejo)?» se ignoró: la pregunta no aplica según "
        "respuestas anteriores." in evaluacion.resultado.advertencias
    )
