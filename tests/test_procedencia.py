"""Every result says what produced it: the program's version and the rules and knowledge used."""

from __future__ import annotations

from tests.conftest import EJEMPLOS, copiar_carpetas, correr, evaluar_json

from diagnostico_experto.comun.rutas import carpeta_por_defecto
from diagnostico_experto.motor.avance import avance
from diagnostico_experto.motor.motor import Motor


def test_el_json_dice_version_y_huellas_de_las_reglas_y_el_conocimiento_incluidos(capsys):
    procedencia = evaluar_json(capsys, EJEMPLOS / "yumbel.yaml")["procedencia"]
    motor = Motor.desde_carpetas(carpeta_por_defecto("rules"), carpeta_por_defecto("knowledge"))
    assert procedencia == motor.procedencia.model_dump(mode="json")
    assert procedencia["incluidas"] is True
    assert len(procedencia["reglas"]) == 12 and len(procedencia["conocimiento"]) == 12


def test_la_copia_de_un_consultor_se_distingue_y_cambia_la_huella(capsys, tmp_path):
    reglas, conocimiento = copiar_carpetas(tmp_path)
    incluidas = evaluar_json(capsys, EJEMPLOS / "yumbel.yaml")["procedencia"]
    copia = evaluar_json(
        capsys, EJEMPLOS / "yumbel.yaml", "--reglas", reglas, "--conocimiento", conocimiento
    )["procedencia"]
    assert copia["incluidas"] is False
    assert copia["reglas"] == incluidas["reglas"]  # the same rule files, byte for byte
    horas = reglas / "horas.yaml"
    horas.write_text(horas.read_text(encoding="utf-8") + "\n# calibrado\n", encoding="utf-8")
    cambiada = evaluar_json(
        capsys, EJEMPLOS / "yumbel.yaml", "--reglas", reglas, "--conocimiento", conocimiento
    )["procedencia"]
    assert cambiada["reglas"] != incluidas["reglas"]
    codigo, informe, _ = correr(
        capsys,
        "evaluar",
        EJEMPLOS / "yumbel.yaml",
        "--reglas",
        reglas,
        "--conocimiento",
        conocimiento,
    )
    assert codigo == 0
    assert f"reglas {cambiada['reglas']}" in informe
    assert "(una copia de un consultor)" in informe


def test_el_avance_entre_resultados_de_reglas_distintas_lo_dice(ejemplos, conocimiento):
    from diagnostico_experto.informes.informe_avance import informe_avance

    base = ejemplos["ninhue"].resultado
    actual = base.model_copy(deep=True)
    actual.fecha = "2027-11-18"
    assert not avance(base, actual, "a", "b").reglas_distintas
    actual.procedencia = base.procedencia.model_copy(update={"reglas": "000000000000"})
    progreso = avance(base, actual, "a", "b")
    assert progreso.reglas_distintas
    texto = informe_avance(progreso, conocimiento, "md")
    assert "los dos diagnósticos se hicieron con reglas o conocimiento distintos" in texto
