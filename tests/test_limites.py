"""Engine bounds (knowledge/limites.yaml) and the linter's warnings about rules that cost too much."""

from __future__ import annotations

import re

import pytest

from conftest import EJEMPLOS, SERVICIO, copiar_carpetas, correr, escribir_yaml, leer_yaml

ECO = """reglas:
  - id: eco-inicio
    descripcion: Empieza el eco.
    si:
      - comuna: {nombre: "?c"}
    entonces:
      - marca: {nombre: eco, texto: a}
  - id: eco-sin-fin
    descripcion: Cada eco produce otro, más largo.
    si:
      - marca: {nombre: eco, texto: "?t"}
    entonces:
      - marca: {nombre: eco, texto: "{t}a"}
"""


def _con_limite(conocimiento, nombre: str, valor: int) -> None:
    datos = leer_yaml(conocimiento / "limites.yaml")
    datos["limites"][nombre] = valor
    escribir_yaml(conocimiento / "limites.yaml", datos)


@pytest.fixture
def reglas_sin_fin(tmp_path):
    reglas, conocimiento = copiar_carpetas(tmp_path)
    (reglas / "eco.yaml").write_text(ECO, encoding="utf-8")
    _con_limite(conocimiento, "max_disparos_por_comuna", 200)
    return reglas, conocimiento


def test_una_regla_sin_fin_se_detiene_y_se_nombra(capsys, reglas_sin_fin):
    reglas, conocimiento = reglas_sin_fin
    opciones = ("--reglas", reglas, "--conocimiento", conocimiento)
    codigo, out, err = correr(capsys, *opciones, "evaluar", EJEMPLOS / "yumbel.yaml")
    assert (codigo, out) == (2, "")
    assert "Traceback" not in err
    linea = err.strip()
    assert re.fullmatch(
        re.escape(
            f"{reglas / 'eco.yaml'}:8: la evaluación de Yumbel se detuvo al llegar a 200 disparos "
            f"de reglas (max_disparos_por_comuna en {conocimiento / 'limites.yaml'}): la regla "
            "«eco-sin-fin» se disparó "
        )
        + r"1\d\d"
        + re.escape(
            " veces; revise que su conclusión no vuelva a cumplir sus propias condiciones."
        ),
        linea,
    ), linea


def test_en_lote_la_comuna_sin_fin_se_informa_y_el_lote_termina_con_1(
    capsys, tmp_path, reglas_sin_fin
):
    reglas, conocimiento = reglas_sin_fin
    entrada = tmp_path / "entrada"
    entrada.mkdir()
    (entrada / "yumbel.yaml").write_bytes((EJEMPLOS / "yumbel.yaml").read_bytes())
    codigo, _, err = correr(
        capsys,
        *("--reglas", reglas, "--conocimiento", conocimiento),
        *("lote", entrada, "--salida", tmp_path / "informes"),
    )
    assert codigo == 1
    assert "Traceback" not in err
    assert "la regla «eco-sin-fin» se disparó" in err


def test_el_validador_advierte_la_regla_que_se_alimenta(capsys, reglas_sin_fin):
    reglas, conocimiento = reglas_sin_fin
    _, out, err = correr(
        capsys, "--reglas", reglas, "--conocimiento", conocimiento, "reglas", "validar"
    )
    assert (
        f"{reglas / 'eco.yaml'}:8: advertencia: regla «eco-sin-fin»: su conclusión «marca» cumple "
        "su propia condición «marca» y ninguna condición «no:» lo impide; puede dispararse sin "
        "fin (la evaluación se detiene en max_disparos_por_comuna de limites.yaml)"
    ) in (out + err).splitlines()
    assert "eco-inicio" not in out + err


def test_el_validador_advierte_la_union_de_dos_familias_de_pares(capsys, tmp_path):
    reglas, conocimiento = copiar_carpetas(tmp_path)
    (reglas / "pares.yaml").write_text(
        """reglas:
  - id: coordinar-con-el-par
    descripcion: Dos pares de servicios de las mismas unidades.
    si:
      - par_servicios: {unidades: "?u", misma_unidad: true}
      - par_servicios: {unidades: "?u", misma_unidad: false}
    entonces:
      - marca: {nombre: coordinar}
""",
        encoding="utf-8",
    )
    _, out, err = correr(
        capsys, "--reglas", reglas, "--conocimiento", conocimiento, "reglas", "validar"
    )
    assert (
        f"{reglas / 'pares.yaml'}:2: advertencia: regla «coordinar-con-el-par»: une «par_servicios» y "
        "«par_servicios», hechos que hay uno por par de servicios; el motor compara cada uno con "
        "cada otro y el tiempo crece con el cuadrado de los pares. Lleve el dato que necesita en "
        "un solo hecho (por ejemplo, «grupo_servicios», que reúne los servicios que repiten etapas)."
    ) in (out + err).splitlines()


def test_demasiados_servicios_se_rechazan_con_el_limite(capsys, tmp_path):
    _, conocimiento = copiar_carpetas(tmp_path)
    _con_limite(conocimiento, "max_servicios_por_comuna", 2)
    servicios = [{**SERVICIO, "nombre": f"S{i}"} for i in range(3)]
    archivo = escribir_yaml(
        tmp_path / "r.yaml",
        {"comuna": "Ninhue", "respuestas": {}, "servicios": servicios},
    )
    codigo, out, err = correr(capsys, "--conocimiento", conocimiento, "evaluar", archivo)
    assert (codigo, out) == (2, "")
    assert err.strip() == (
        f"{archivo}:3: servicios: 3 servicios; el máximo por comuna es 2 "
        f"(max_servicios_por_comuna en {conocimiento / 'limites.yaml'})"
    )
