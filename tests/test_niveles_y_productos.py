"""Levels and the 12 product cells, reached through real answer files."""

from __future__ import annotations

import pytest

from conftest import (
    EJEMPLOS,
    archivo_respuestas,
    evaluar_json,
    extremo,
    leer_yaml,
)
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


@pytest.fixture
def perfiles(conocimiento, tmp_path):
    """Answer files whose every area lands on one level: alto, medio (Yumbel), bajo."""
    return {
        "alto": archivo_respuestas(tmp_path, extremo(conocimiento, mejor=True), "alto.yaml"),
        "medio": EJEMPLOS / "yumbel.yaml",
        "bajo": archivo_respuestas(tmp_path, extremo(conocimiento, mejor=False), "bajo.yaml"),
    }


@pytest.mark.parametrize(("area", "nivel"), list(TABLA))
def test_cada_celda_de_la_tabla_de_productos(capsys, perfiles, area, nivel):
    resultado = evaluar_json(capsys, perfiles[nivel])
    assert resultado["areas"][area]["nivel"] == nivel
    del_area = [p for p in resultado["productos"] if p["area"] == area]
    genericos = [p for p in del_area if p["regla"].startswith("producto-generico:")]
    assert len(genericos) == 1
    assert genericos[0]["nivel"] == nivel
    assert genericos[0]["texto"].startswith(TABLA[(area, nivel)])
    assert genericos[0]["regla"] == f"producto-generico:{area}-{nivel}"
    if nivel == "alto":  # alto: only the workshop that identifies the strengths
        assert del_area == genericos


def test_los_ejemplos_cubren_los_tres_niveles_en_cada_area(capsys):
    vistos = {area: set() for area in AREAS}
    archivos = sorted(EJEMPLOS.glob("*.yaml"))
    assert len(archivos) >= 3
    for archivo in archivos:
        datos = leer_yaml(archivo)
        assert datos["ilustrativo"] is True
        assert "ILUSTRATIVAS" in archivo.read_text(encoding="utf-8")
        for area, a in evaluar_json(capsys, archivo)["areas"].items():
            vistos[area].add(a["nivel"])
    assert all(niveles == {"alto", "medio", "bajo"} for niveles in vistos.values()), vistos


def test_carencia_decisiva_gana_al_puntaje(capsys, conocimiento, tmp_path):
    respuestas = extremo(conocimiento, mejor=True)
    respuestas["E02"] = "no_hay"  # everything else at its best
    resultado = evaluar_json(capsys, archivo_respuestas(tmp_path, respuestas))
    estrategia = resultado["areas"]["estrategia"]
    assert estrategia["puntaje"] > 0.75
    assert estrategia["nivel"] == "bajo"
    assert estrategia["regla"] == "estrategia-bajo-sin-lineamientos"


def test_sin_servicios_productos_queda_bajo(capsys, conocimiento, tmp_path):
    respuestas = dict(extremo(conocimiento, mejor=True), S01=0)
    resultado = evaluar_json(capsys, archivo_respuestas(tmp_path, respuestas, servicios=[]))
    productos = resultado["areas"]["productos"]
    assert productos["regla"] == "productos-bajo-sin-servicios"
    assert productos["lectura"].startswith(
        "bajo: la municipalidad no ofrece servicios de fomento productivo"
    )


def test_no_se_no_cuenta_como_cero(capsys, conocimiento, tmp_path):
    base = extremo(conocimiento, mejor=True)
    con_no = dict(base, E07="no")
    con_no_se = dict(base, E07="no_sabe")
    puntaje_no = evaluar_json(capsys, archivo_respuestas(tmp_path, con_no, "a.yaml"))
    puntaje_no_se = evaluar_json(capsys, archivo_respuestas(tmp_path, con_no_se, "b.yaml"))
    assert puntaje_no_se["areas"]["estrategia"]["puntaje"] == 1.0
    assert puntaje_no["areas"]["estrategia"]["puntaje"] < 1.0
    assert puntaje_no_se["areas"]["estrategia"]["desconocidas"] == 1


def test_area_con_muchas_desconocidas_es_incompleta_y_no_alcanza_alto(
    capsys, conocimiento, tmp_path
):
    respuestas = extremo(conocimiento, mejor=True)
    for id_ in ("E04", "E05", "E06", "E07", "E08"):
        respuestas[id_] = "no_sabe"
    resultado = evaluar_json(capsys, archivo_respuestas(tmp_path, respuestas))
    estrategia = resultado["areas"]["estrategia"]
    assert estrategia["completo"] is False
    assert estrategia["puntaje"] == 1.0  # what is known is all good…
    assert estrategia["nivel"] == "medio"  # …but an incomplete area cannot be alto
    assert any("incompleta" in a for a in resultado["advertencias"])


def test_area_sin_respuestas_queda_baja_sin_puntaje(capsys, tmp_path):
    resultado = evaluar_json(capsys, archivo_respuestas(tmp_path, {}))
    for area in AREAS:
        assert resultado["areas"][area]["nivel"] == "bajo"
    assert resultado["areas"]["estrategia"]["puntaje"] is None


def test_existe_pero_debil_es_medio_aunque_el_logro_sea_bajo(capsys, tmp_path):
    """Processes identified at a workshop, no indicators, no register: medio, not bajo."""
    respuestas = {"P01": "parcial", "P02": "parcial", "P03": "no", "P04": "no_hay", "P07": "no"}
    resultado = evaluar_json(capsys, archivo_respuestas(tmp_path, respuestas))
    procesos = resultado["areas"]["procesos"]
    assert procesos["puntaje"] < 0.3
    assert procesos["nivel"] == "medio"
    assert procesos["lectura"].startswith(
        "medio: hay procesos estratégicos identificados, pero solo algunos"
    )
    assert "no hay sistemas de medición ni de registro de información" in procesos["lectura"]


def test_umbral_alto_confirma_el_uso_en_el_nivel_alto(capsys, tmp_path, conocimiento):
    """Every key element exists, but little else is used: the area stays medio."""
    respuestas = extremo(conocimiento, mejor=True)
    respuestas.update(E06=1, E07="no", E08="no")
    resultado = evaluar_json(capsys, archivo_respuestas(tmp_path, respuestas))
    estrategia = resultado["areas"]["estrategia"]
    assert estrategia["puntaje"] < 0.75
    assert estrategia["nivel"] == "medio"


def test_validacion_de_la_mesa_cambia_el_producto_y_conserva_el_diagnostico(capsys):
    resultado = evaluar_json(capsys, EJEMPLOS / "canete.yaml")
    estructura = resultado["areas"]["estructura"]
    assert estructura["nivel"] == "medio"
    assert estructura["validado"]["nivel"] == "bajo"
    assert "nueva estructura" in estructura["validado"]["justificacion"]
    assert estructura["nivel_vigente"] == "bajo"
    producto = next(p for p in resultado["productos"] if p["area"] == "estructura")
    assert producto["nivel"] == "bajo"
    assert any(p["regla"] == "vigente-validado-por-mesa" for p in resultado["traza"])
    assert resultado["areas"]["estrategia"]["validado"] is None


def test_respuesta_a_pregunta_que_no_aplica_se_ignora_con_aviso(capsys, conocimiento, tmp_path):
    respuestas = extremo(conocimiento, mejor=False)  # E02 = no_hay, so E03 does not apply
    respuestas["E03"] = "si"
    resultado = evaluar_json(capsys, archivo_respuestas(tmp_path, respuestas))
    assert any("E03" in a and "no aplica" in a for a in resultado["advertencias"])
