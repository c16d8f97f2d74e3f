"""`reglas calibrar`: agreement with the mesas, a search that recovers known thresholds, no change without signal."""

from __future__ import annotations

import random
import shutil

import pytest

from conftest import CONOCIMIENTO, EJEMPLOS, REGLAS, copiar_carpetas, correr, leer_yaml
from diagnostico_experto.conocimiento.respuestas import cargar_respuestas
from diagnostico_experto.consultores.calibracion import (
    CasoEtiquetado,
    Clasificador,
    calibrar,
    parametros_numericos,
    reglas_de_clasificacion,
)

HISTORIA = CONOCIMIENTO / "historia"


@pytest.fixture(scope="module")
def ejemplos(motor) -> list[CasoEtiquetado]:
    """The 29 illustrative comunas, not yet labelled."""
    return [
        CasoEtiquetado(str(r), cargar_respuestas(r, motor.conocimiento), {})
        for r in sorted(EJEMPLOS.glob("*.yaml"))
    ]


def etiquetados(motor, casos, valores) -> list[CasoEtiquetado]:
    """Cases labelled by the classification itself with the given parameter values."""
    niveles = Clasificador(motor.reglas, motor.conocimiento, casos, valores).niveles(valores)
    return [
        CasoEtiquetado(c.origen, c.respuestas, dict(n)) for c, n in zip(casos, niveles, strict=True)
    ]


def test_los_parametros_se_descubren_en_las_reglas_de_clasificacion(motor):
    clasificacion = reglas_de_clasificacion(motor.reglas)
    assert all(any(c.tipo == "nivel" for c in r.conclusiones) for r in clasificacion)
    encontrados = parametros_numericos(clasificacion, motor.conocimiento)
    valores = motor.conocimiento.valores_parametros()
    assert encontrados  # the classification compares % de logro with some threshold
    assert all(valores[n] == v for n, v in encontrados.items())
    assert "min_etapas_fusion" not in encontrados  # a fusion parameter, not a classification one


def test_el_clasificador_da_los_niveles_del_motor(motor, ejemplos):
    actuales = parametros_numericos(reglas_de_clasificacion(motor.reglas), motor.conocimiento)
    clasificador = Clasificador(motor.reglas, motor.conocimiento, ejemplos, actuales)
    del_motor = [
        {a: x.nivel for a, x in motor.evaluar(c.respuestas).resultado.areas.items()}
        for c in ejemplos
    ]
    assert clasificador.niveles(actuales) == del_motor
    clasificador.directo = False  # the engine path, used when rules join facts
    otros = {n: v * 0.8 for n, v in actuales.items()}
    assert clasificador._con_motor(otros) == clasificador._directo(otros)


def test_calibrar_recupera_umbrales_conocidos(motor, ejemplos):
    actuales = parametros_numericos(reglas_de_clasificacion(motor.reglas), motor.conocimiento)
    # the mesas judge with thresholds 0.1 lower than the rules' (shares only; counts stay)
    verdad = {n: round(v - 0.1, 2) if 0.1 < v <= 1 else v for n, v in actuales.items()}
    calibracion = calibrar(etiquetados(motor, ejemplos, verdad), motor.reglas, motor.conocimiento)
    assert calibracion.propuesta
    encontrados = actuales | calibracion.propuesta
    for nombre, valor in verdad.items():
        assert abs(encontrados[nombre] - valor) <= 0.05, (nombre, encontrados[nombre], valor)
    assert calibracion.validacion_cruzada.kappa > calibracion.actual.kappa + 0.05
    assert calibracion.validacion_cruzada.kappa >= 0.9


def test_sin_senal_no_propone_cambios(motor, ejemplos):
    azar = random.Random(13)
    ruido = [
        CasoEtiquetado(
            c.origen,
            c.respuestas,
            {
                a: azar.choice(["bajo", "medio", "alto"])
                for a in ["estrategia", "estructura", "procesos", "productos"]
            },
        )
        for c in ejemplos
    ]
    calibracion = calibrar(ruido, motor.reglas, motor.conocimiento)
    assert calibracion.propuesta == {}
    assert calibracion.motivo


def test_con_pocos_casos_no_propone_y_dice_por_que(motor, ejemplos):
    pocos = etiquetados(motor, ejemplos[:5], {"umbral_alto": 0.5, "umbral_medio": 0.2})
    calibracion = calibrar(pocos, motor.reglas, motor.conocimiento)
    assert calibracion.propuesta == {}
    assert calibracion.motivo == (
        "hay 5 casos validados y se necesitan al menos 20 (parámetro calibracion_min_casos) "
        "para proponer valores: con menos casos, la propuesta se ajustaría a esos casos y no "
        "a las comunas"
    )
    assert calibracion.ajustado is None


def test_calibrar_escribir_comparar_y_probar_como_un_equipo(capsys, tmp_path):
    copia = tmp_path / "propuesta"
    codigo, out, err = correr(capsys, "reglas", "calibrar", HISTORIA, "--escribir", copia)
    assert codigo == 1, err
    assert "## Acuerdo con los valores actuales" in out
    assert "| validado por la mesa \\ diagnosticado | bajo | medio | alto |" in out
    assert "| encontrados, dejando cada comuna fuera de la búsqueda |" in out
    assert "```diff\n--- " in out
    assert f"Copia de trabajo con la propuesta en {copia}" in err
    # the copy carries the proposal; the knowledge in use is untouched
    propuestos = leer_yaml(copia / "knowledge" / "parametros.yaml")["parametros"]
    vigentes = leer_yaml(CONOCIMIENTO / "parametros.yaml")["parametros"]
    cambiados = [n for n in vigentes if propuestos[n]["valor"] != vigentes[n]["valor"]]
    assert cambiados
    assert all(f"+    valor: {propuestos[n]['valor']}" in out for n in cambiados)
    opciones = ("--reglas", copia / "rules", "--conocimiento", copia / "knowledge")
    codigo, out, _ = correr(
        capsys, "reglas", "comparar", "--base", REGLAS.parent, HISTORIA, *opciones
    )
    assert codigo == 1 and "cambian" in out
    codigo, out, _ = correr(capsys, "reglas", "probar", *opciones)
    assert "casos pasan" in out
    # writing again into the same folder is refused, nothing is overwritten
    codigo, _, err = correr(capsys, "reglas", "calibrar", HISTORIA, "--escribir", copia)
    assert codigo == 2 and "ya existe; no se sobrescribe" in err


def test_calibrar_sin_validaciones_es_un_error(capsys, tmp_path):
    carpeta = tmp_path / "r"
    carpeta.mkdir()
    shutil.copy(EJEMPLOS / "yumbel.yaml", carpeta)
    codigo, _, err = correr(capsys, "reglas", "calibrar", carpeta)
    assert codigo == 2
    assert "ningún archivo tiene niveles validados por la mesa" in err


def test_calibrar_con_casos_de_prueba(capsys, tmp_path):
    reglas, conocimiento = copiar_carpetas(tmp_path)
    codigo, out, err = correr(
        capsys,
        "reglas",
        "calibrar",
        EJEMPLOS,
        "--casos",
        REGLAS / "casos",
        "--reglas",
        reglas,
        "--conocimiento",
        conocimiento,
    )
    assert codigo == 0, err
    assert "No se propone ningún cambio: hay " in out  # too few cases to propose
    assert "(parámetro calibracion_min_casos)" in out
