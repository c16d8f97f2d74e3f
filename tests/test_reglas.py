"""Tools for consultants: init, reglas validar / probar / comparar, and the guide's examples."""

from __future__ import annotations

import json
import re

import pytest

from conftest import RAIZ, REGLAS, con_parametro, copiar_carpetas, correr, quitar_regla

EXTRA = "reglas:\n  - id: {id}\n    descripcion: d\n    si:\n{si}    entonces:\n{entonces}"


def validar(capsys, reglas, conocimiento) -> tuple[int, str]:
    codigo, out, err = correr(
        capsys, "--reglas", reglas, "--conocimiento", conocimiento, "reglas", "validar"
    )
    assert "Traceback" not in err
    return codigo, out + err


def test_init_copia_reglas_y_conocimiento_y_no_sobrescribe(capsys, tmp_path):
    codigo, out, _ = correr(capsys, "init", tmp_path / "trabajo")
    assert codigo == 0
    assert (tmp_path / "trabajo" / "rules" / "clasificacion.yaml").exists()
    assert (tmp_path / "trabajo" / "knowledge" / "ejemplos" / "yumbel.yaml").exists()
    assert (tmp_path / "trabajo" / "rules" / "casos" / "ejemplos.yaml").exists()
    assert "reglas validar" in out
    codigo, _, err = correr(capsys, "init", tmp_path / "trabajo")
    assert codigo == 2 and "ya existe" in err


def test_las_reglas_incluidas_validan_limpias(capsys):
    codigo, salida = validar(capsys, REGLAS, RAIZ / "knowledge")
    assert codigo == 0
    assert "0 error(es)" in salida
    assert "Clasificación completa y única en las cuatro áreas." in salida
    assert all(
        "advertencia: ninguna regla usa la pregunta" in linea
        for linea in salida.splitlines()
        if ": advertencia" in linea
    )


@pytest.mark.parametrize(
    ("si", "entonces", "esperado"),
    [
        (
            "      - respuesta: {pregunta: E99, valor: si}\n",
            "      - marca: {nombre: a}\n",
            "extra.yaml:5: reglas[1].si[1].respuesta.pregunta: «E99» no es un valor posible de respuesta.pregunta",
        ),
        (
            "      - respuesta: {pregunta: E02, valor: sin_plan}\n",
            "      - marca: {nombre: a}\n",
            "extra.yaml:5: reglas[1].si[1].respuesta.valor: «sin_plan» no es un valor posible de respuesta.valor",
        ),
        (
            "      - puntaje: {area: finanzas}\n",
            "      - marca: {nombre: a}\n",
            "extra.yaml:5: reglas[1].si[1].puntaje.area: «finanzas» no es un valor posible de puntaje.area",
        ),
        (
            "      - nivel: {area: estrategia, nivel: altisimo}\n",
            "      - marca: {nombre: a}\n",
            "extra.yaml:5: reglas[1].si[1].nivel.nivel: «altisimo» no es un valor posible de nivel.nivel",
        ),
        (
            "      - etapa: {etapa: difusión}\n",
            "      - marca: {nombre: a}\n",
            "extra.yaml:5: reglas[1].si[1].etapa.etapa: «difusión» no es un valor posible de etapa.etapa",
        ),
        (
            "      - puntaje: {area: estrategia, valor: {al_menos: $umbral_altisimo}}\n",
            "      - marca: {nombre: a}\n",
            "extra.yaml:5: reglas[1].si[1].puntaje.valor: parámetro desconocido «umbral_altisimo»",
        ),
        (
            "      - marca: {nombre: nunca}\n",
            "      - marca: {nombre: a}\n",
            "extra.yaml:2: regla «x»: ninguna regla concluye «marca» con nombre = nunca; la condición nunca se cumple",
        ),
    ],
)
def test_validar_cada_error_con_su_linea(capsys, tmp_path, si, entonces, esperado):
    reglas, conocimiento = copiar_carpetas(tmp_path)
    (reglas / "extra.yaml").write_text(
        EXTRA.format(id="x", si=si, entonces=entonces), encoding="utf-8"
    )
    codigo, salida = validar(capsys, reglas, conocimiento)
    assert codigo == 1
    assert any(linea.endswith(esperado) or esperado in linea for linea in salida.splitlines()), (
        salida
    )


def test_validar_esquema_e_ids_repetidos(capsys, tmp_path):
    reglas, conocimiento = copiar_carpetas(tmp_path)
    (reglas / "extra.yaml").write_text(
        "reglas:\n  - id: x\n    si:\n      - respuesta: {pregunta: E01}\n    entonces:\n      - marca: {nombre: a}\n"
        "  - id: estrategia-medio\n    descripcion: d\n    si:\n      - respuesta: {pregunta: E01}\n"
        "    entonces:\n      - marca: {nombre: a}\n",
        encoding="utf-8",
    )
    codigo, salida = validar(capsys, reglas, conocimiento)
    assert codigo == 1
    assert "extra.yaml:2: reglas[1].descripcion: falta este campo obligatorio" in salida


def test_validar_id_repetido_entre_archivos(capsys, tmp_path):
    reglas, conocimiento = copiar_carpetas(tmp_path)
    si = "      - respuesta: {pregunta: E01}\n"
    (reglas / "extra.yaml").write_text(
        EXTRA.format(id="estrategia-medio", si=si, entonces="      - marca: {nombre: a}\n"),
        encoding="utf-8",
    )
    codigo, salida = validar(capsys, reglas, conocimiento)
    assert codigo == 1
    assert re.search(
        r"extra\.yaml:2: id: regla «estrategia-medio» repetida; ya está en \S*clasificacion\.yaml:\d+",
        salida,
    )


def test_validar_advierte_preguntas_sin_uso(capsys, tmp_path):
    reglas, conocimiento = copiar_carpetas(tmp_path)
    with (conocimiento / "cuestionario.yaml").open("a", encoding="utf-8") as f:
        f.write(
            "\n  - id: Z01\n    area: estrategia\n    texto: ¿Nueva?\n    tipo: si_no\n"
            "    peso: 0\n    ayuda: a\n    fuente: f\n"
        )
    codigo, salida = validar(capsys, reglas, conocimiento)
    assert codigo == 0  # a warning, not an error
    lineas = (conocimiento / "cuestionario.yaml").read_text(encoding="utf-8").splitlines()
    numero = lineas.index("  - id: Z01") + 1
    assert f"cuestionario.yaml:{numero}: advertencia: ninguna regla usa la pregunta Z01" in salida


def test_validar_encuentra_un_area_sin_nivel(capsys, tmp_path):
    reglas, conocimiento = copiar_carpetas(tmp_path)
    quitar_regla(reglas / "clasificacion.yaml", "estrategia-bajo")
    codigo, salida = validar(capsys, reglas, conocimiento)
    assert codigo == 1
    assert re.search(
        r"clasificacion\.yaml:\d+: estrategia: ninguna regla da nivel con .*% de logro de estrategia",
        salida,
    ), salida


def test_validar_encuentra_dos_niveles_con_la_misma_prioridad(capsys, tmp_path):
    reglas, conocimiento = copiar_carpetas(tmp_path)
    (reglas / "extra.yaml").write_text(
        EXTRA.format(
            id="procesos-alto-rapido",
            si="      - puntaje: {area: procesos, valor: {al_menos: 0.6}}\n",
            entonces="      - nivel: {area: procesos, nivel: alto}\n",
        ).replace("    descripcion: d\n", "    descripcion: d\n    prioridad: 40\n"),
        encoding="utf-8",
    )
    codigo, salida = validar(capsys, reglas, conocimiento)
    assert codigo == 1
    assert "procesos: dos niveles con la misma prioridad 40" in salida
    assert "«procesos-alto-rapido»" in salida and "«procesos-medio»" in salida
    assert "% de logro de procesos 0.6" in salida  # the counter-example


# --- probar ----------------------------------------------------------------------------


def probar(capsys, reglas, conocimiento, *casos):
    return correr(
        capsys, "--reglas", reglas, "--conocimiento", conocimiento, "reglas", "probar", *casos
    )


def test_los_casos_incluidos_pasan_y_cubren_todas_las_reglas(capsys):
    codigo, out, err = correr(capsys, "reglas", "probar")
    assert codigo == 0, out + err
    total = re.search(r"(\d+) de (\d+) casos pasan", out)
    assert total and total[1] == total[2], out
    assert re.search(r"Cobertura: (\d+) de \1 reglas", out), out


def test_probar_con_un_umbral_movido(capsys, tmp_path):
    reglas, conocimiento = copiar_carpetas(tmp_path, con_ejemplos=True)
    con_parametro(conocimiento, "umbral_alto", 0.99)
    codigo, out, _ = probar(capsys, reglas, conocimiento)
    assert codigo == 1
    assert "FALLA Cañete" in out
    assert "nivel de estrategia: se esperaba alto, resultó medio" in out


def test_probar_con_una_regla_quitada(capsys, tmp_path):
    reglas, conocimiento = copiar_carpetas(tmp_path, con_ejemplos=True)
    quitar_regla(reglas / "estructura.yaml", "ajuste-crear-unidad")
    codigo, out, _ = probar(capsys, reglas, conocimiento)
    assert codigo == 1
    assert "falta el ajuste de estructura «ajuste-crear-unidad»" in out
    cobertura = re.search(r"Cobertura: (\d+) de (\d+) reglas", out)
    assert cobertura and cobertura[1] == cobertura[2], out


# --- comparar ---------------------------------------------------------------------------


def comparar(capsys, reglas, conocimiento, base, *opciones):
    return correr(
        capsys,
        "--reglas",
        reglas,
        "--conocimiento",
        conocimiento,
        "reglas",
        "comparar",
        "--base",
        base,
        *opciones,
    )


def test_comparar_reglas_identicas_no_informa_cambios(capsys, tmp_path):
    reglas, conocimiento = copiar_carpetas(tmp_path, con_ejemplos=True)
    codigo, out, _ = comparar(capsys, reglas, conocimiento, RAIZ)
    assert codigo == 0
    assert "29 comunas evaluadas: 0 cambian, 29 sin cambios." in out


def test_comparar_un_umbral_movido(capsys, tmp_path):
    reglas, conocimiento = copiar_carpetas(tmp_path, con_ejemplos=True)
    con_parametro(conocimiento, "umbral_alto", 0.95)
    codigo, out, _ = comparar(capsys, reglas, conocimiento, RAIZ)
    assert codigo == 1
    assert "## Cañete" in out and "- Nivel de estrategia: alto → medio" in out
    assert "- Horas (estrategia): 4 → 12" in out
    codigo, out, _ = comparar(capsys, reglas, conocimiento, RAIZ, "--formato", "json")
    datos = json.loads(out)
    assert datos["comunas"] == 29 and datos["cambian"] >= 1
    canete = next(c for c in datos["cambios"] if c["comuna"] == "Cañete")
    assert canete["niveles"]["estrategia"] == ["alto", "medio"]


def test_comparar_una_regla_quitada(capsys, tmp_path):
    reglas, conocimiento = copiar_carpetas(tmp_path, con_ejemplos=True)
    quitar_regla(reglas / "estructura.yaml", "ajuste-repartir-funciones")
    codigo, out, _ = comparar(capsys, reglas, conocimiento, RAIZ, "--formato", "json")
    assert codigo == 1
    datos = json.loads(out)
    assert datos["cambian"] > 0
    assert all(
        any("Repartir las funciones" in a for a in c["ajustes"]["quitados"])
        for c in datos["cambios"]
    )


# --- the guide ----------------------------------------------------------------------------


GUIA = RAIZ / "docs" / "guia-reglas.md"


def bloques_yaml(texto: str) -> list[str]:
    return re.findall(r"```yaml\n(.*?)```", texto, flags=re.S)


def test_cada_ejemplo_de_reglas_de_la_guia_valida(capsys, tmp_path):
    bloques = [
        b
        for b in bloques_yaml(GUIA.read_text(encoding="utf-8"))
        if b.startswith(("reglas:", "tablas:"))
    ]
    assert len(bloques) >= 8
    for i, bloque in enumerate(bloques):
        reglas, conocimiento = copiar_carpetas(tmp_path / str(i))
        (reglas / "ejemplo.yaml").write_text(bloque, encoding="utf-8")
        codigo, salida = validar(capsys, reglas, conocimiento)
        assert codigo == 0, f"ejemplo {i + 1} de la guía:\n{bloque}\n{salida}"


def test_cada_caso_de_la_guia_es_un_archivo_de_casos_valido(tmp_path):
    from diagnostico_experto.comun.archivos_yaml import leer_texto
    from diagnostico_experto.consultores.casos import ArchivoCasos

    bloques = [b for b in bloques_yaml(GUIA.read_text(encoding="utf-8")) if b.startswith("casos:")]
    assert bloques
    for bloque in bloques:
        ArchivoCasos.model_validate(leer_texto(bloque))
