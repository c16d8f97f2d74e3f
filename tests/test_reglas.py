"""Tools for consultants: init, reglas validar / probar / comparar, and the guide's examples.

The linter, the test cases and the comparison run through their API on the
session's engine; each command keeps one or two tests of its own for what the
command line adds (exit codes, the summary lines, the output formats).
"""

from __future__ import annotations

import itertools
import json
import re
import shutil

import pytest

from conftest import (
    EJEMPLOS,
    RAIZ,
    REGLAS,
    copiar_carpetas,
    correr,
    motor_con,
    reglas_de_texto,
    reglas_sin,
)
from diagnostico_experto.comun.errores import ErrorDiagnostico
from diagnostico_experto.comun.formato_chileno import horas
from diagnostico_experto.comun.restricciones import OPERADORES_DE
from diagnostico_experto.conocimiento.carpeta import cargar_conocimiento
from diagnostico_experto.conocimiento.preguntas import POR_TIPO
from diagnostico_experto.consultores.casos import leer_casos, probar_caso
from diagnostico_experto.consultores.comparacion import (
    Diferencia,
    Nombres,
    como_json,
    como_markdown,
    diferencia,
)
from diagnostico_experto.consultores.linter import validar as revisar
from diagnostico_experto.reglas.hechos import TIPO_DE_CAMPO
from diagnostico_experto.reglas.lenguaje import cargar_reglas

EXTRA = "reglas:\n  - id: {id}\n    descripcion: d\n    si:\n{si}    entonces:\n{entonces}"
CASOS = sorted(REGLAS.glob("casos/*.yaml"))


def validar(capsys, reglas, conocimiento) -> tuple[int, str]:
    codigo, out, err = correr(
        capsys, "--reglas", reglas, "--conocimiento", conocimiento, "reglas", "validar"
    )
    assert "Traceback" not in err
    return codigo, out + err


def hallazgos(motor, extra: str = "", reglas=None, conocimiento=None) -> list[str]:
    """What `reglas validar` reports, one line each, for the rules plus an extra file."""
    conocimiento = conocimiento or motor.conocimiento
    reglas = list(motor.reglas if reglas is None else reglas)
    try:
        reglas += reglas_de_texto(extra, conocimiento) if extra else []
    except ErrorDiagnostico as exc:
        return [str(p) for p in exc.problemas]
    return [str(h) for h in revisar(reglas, conocimiento)]


def linea_de(archivo, texto: str) -> int:
    return archivo.read_text(encoding="utf-8").splitlines().index(texto) + 1


def test_init_copia_reglas_y_conocimiento_y_no_sobrescribe(capsys, tmp_path):
    codigo, out, _ = correr(capsys, "init", tmp_path / "trabajo")
    assert codigo == 0
    assert (tmp_path / "trabajo" / "rules" / "clasificacion.yaml").exists()
    assert (tmp_path / "trabajo" / "knowledge" / "ejemplos" / "yumbel.yaml").exists()
    assert (tmp_path / "trabajo" / "rules" / "casos" / "ejemplos.yaml").exists()
    assert "reglas validar" in out
    codigo, _, err = correr(capsys, "init", tmp_path / "trabajo")
    assert codigo == 2
    assert f"{tmp_path / 'trabajo' / 'rules'}: ya existe; no se sobrescribe" in err


def test_las_reglas_incluidas_validan_limpias(capsys, motor):
    codigo, salida = validar(capsys, REGLAS, RAIZ / "knowledge")
    assert codigo == 0
    archivos = len({r.archivo for r in motor.reglas})
    assert f"{len(motor.reglas)} reglas en {archivos} archivos: 0 errores" in salida
    assert "Clasificación completa y única en las cuatro áreas." in salida
    assert all(
        "advertencia: ninguna regla usa la pregunta" in linea
        for linea in salida.splitlines()
        if ": advertencia" in linea
    )


def test_validar_con_errores_sale_con_1_y_los_cuenta(capsys, tmp_path):
    reglas, conocimiento = copiar_carpetas(tmp_path)
    (reglas / "extra.yaml").write_text(
        EXTRA.format(
            id="x",
            si="      - puntaje: {area: finanzas}\n",
            entonces="      - marca: {nombre: a}\n",
        ),
        encoding="utf-8",
    )
    codigo, salida = validar(capsys, reglas, conocimiento)
    assert codigo == 1
    assert "extra.yaml:5: reglas[1].si[1].puntaje.area: «finanzas» no es un valor posible" in salida
    assert salida.rstrip().endswith("1 error.")


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
def test_validar_cada_error_con_su_linea(motor, si, entonces, esperado):
    lineas = hallazgos(motor, EXTRA.format(id="x", si=si, entonces=entonces))
    assert any(linea.startswith(esperado) for linea in lineas), lineas


def test_validar_esquema(motor):
    extra = (
        "reglas:\n  - id: x\n    si:\n      - respuesta: {pregunta: E01}\n    entonces:\n"
        "      - marca: {nombre: a}\n"
    )
    assert hallazgos(motor, extra) == [
        "extra.yaml:2: reglas[1].descripcion: falta este campo obligatorio"
    ]


def test_validar_id_repetido_entre_archivos(capsys, tmp_path):
    reglas, conocimiento = copiar_carpetas(tmp_path)
    si = "      - respuesta: {pregunta: E01}\n"
    (reglas / "extra.yaml").write_text(
        EXTRA.format(id="estrategia-medio", si=si, entonces="      - marca: {nombre: a}\n"),
        encoding="utf-8",
    )
    codigo, salida = validar(capsys, reglas, conocimiento)
    assert codigo == 1
    linea = linea_de(reglas / "clasificacion.yaml", "  - id: estrategia-medio")
    assert re.search(
        rf"extra\.yaml:2: id: regla «estrategia-medio» repetida; ya está en \S*clasificacion\.yaml:{linea}\n",
        salida,
    ), salida


def test_validar_advierte_preguntas_sin_uso(motor, tmp_path):
    conocimiento = tmp_path / "knowledge"
    shutil.copytree(
        motor.conocimiento.carpeta, conocimiento, ignore=shutil.ignore_patterns("ejemplos")
    )
    with (conocimiento / "cuestionario.yaml").open("a", encoding="utf-8") as f:
        f.write(
            "\n  - id: Z01\n    area: estrategia\n    texto: ¿Nueva?\n    tipo: si_no\n"
            "    peso: 0\n    ayuda: a\n    fuente: f\n"
        )
    saber = cargar_conocimiento(conocimiento)
    lineas = hallazgos(motor, reglas=cargar_reglas(REGLAS, saber), conocimiento=saber)
    numero = linea_de(conocimiento / "cuestionario.yaml", "  - id: Z01")
    assert (
        f"{conocimiento / 'cuestionario.yaml'}:{numero}: advertencia: ninguna regla usa la "
        "pregunta Z01 (ni su % de logro)"
    ) in lineas
    assert all(": advertencia: " in linea for linea in lineas)  # a warning, not an error


def test_validar_encuentra_un_area_sin_nivel(motor):
    sin = motor_con(motor, sin=("estrategia-bajo",))
    primera = next(
        r
        for r in sin.reglas
        if any(c.tipo == "nivel" and c.valor("area") == "estrategia" for c in r.conclusiones)
    )
    lineas = hallazgos(motor, reglas=sin.reglas)
    assert any(
        re.fullmatch(
            rf"{re.escape(primera.lugar())}: estrategia: ninguna regla da nivel con .*% de logro de estrategia.*",
            linea,
        )
        for linea in lineas
    ), lineas


def test_validar_encuentra_dos_niveles_con_la_misma_prioridad(motor):
    extra = EXTRA.format(
        id="procesos-alto-rapido",
        si="      - puntaje: {area: procesos, valor: {al_menos: 0.6}}\n",
        entonces="      - nivel: {area: procesos, nivel: alto}\n",
    ).replace("    descripcion: d\n", "    descripcion: d\n    prioridad: 40\n")
    salida = "\n".join(hallazgos(motor, extra))
    assert "procesos: dos niveles con la misma prioridad 40" in salida
    assert "«procesos-alto-rapido»" in salida and "«procesos-medio»" in salida
    assert "% de logro de procesos 0.6" in salida  # the counter-example


# --- probar: one test per case of rules/casos, then the command -----------------------


def pytest_generate_tests(metafunc):
    if "caso" in metafunc.fixturenames:
        leidos = [c for ruta in CASOS for c in leer_casos(ruta)]
        metafunc.parametrize("caso", leidos, ids=[c.caso.nombre for c in leidos])


@pytest.fixture(scope="module")
def probados(motor):
    """Every case of rules/casos tried once with the default rules, by file and position."""
    return {posicion(c): probar_caso(c, motor) for ruta in CASOS for c in leer_casos(ruta)}


def posicion(caso) -> tuple[str, int]:
    return str(caso.doc.ruta), caso.indice


def test_caso_de_los_consultores(probados, caso):
    resultado, disparadas = probados[posicion(caso)]
    assert resultado.nombre == caso.caso.nombre
    assert resultado.diferencias == []
    assert disparadas


def test_los_casos_incluidos_disparan_todas_las_reglas(motor, probados):
    disparadas = set().union(*(d for _, d in probados.values()))
    assert [r.id for r in motor.reglas if r.id not in disparadas] == []


def test_probar_con_un_umbral_movido(motor):
    otro = motor_con(motor, parametros={"umbral_alto": 0.99})
    canete = next(
        c for c in leer_casos(REGLAS / "casos" / "ejemplos.yaml") if "Cañete" in c.caso.nombre
    )
    resultado, _ = probar_caso(canete, otro)
    assert not resultado.paso
    assert "nivel de estrategia: se esperaba alto, resultó medio" in resultado.diferencias


def test_probar_con_una_regla_quitada(motor, probados):
    otro = motor_con(motor, sin=("ajuste-crear-unidad",))
    # only the cases where the rule fired can notice it is gone
    donde = [
        c
        for ruta in CASOS
        for c in leer_casos(ruta)
        if "ajuste-crear-unidad" in probados[posicion(c)][1]
    ]
    diferencias = [d for c in donde for d in probar_caso(c, otro)[0].diferencias]
    assert "falta el ajuste de estructura «ajuste-crear-unidad»" in diferencias


def probar(capsys, *casos):
    return correr(capsys, "reglas", "probar", *casos)


def test_probar_resume_y_sale_con_1_si_un_caso_falla(capsys, tmp_path):
    casos = tmp_path / "casos.yaml"
    casos.write_text(
        "casos:\n"
        "  - nombre: Yumbel en medio\n"
        f"    archivo: {EJEMPLOS / 'yumbel.yaml'}\n"
        "    espera: {niveles: {estrategia: medio}}\n"
        "  - nombre: Yumbel en alto\n"
        f"    archivo: {EJEMPLOS / 'yumbel.yaml'}\n"
        "    espera: {niveles: {estrategia: alto}, ajustes: [ajuste-inventado]}\n",
        encoding="utf-8",
    )
    codigo, out, _ = probar(capsys, casos)
    assert codigo == 1
    lineas = out.splitlines()
    assert lineas[0] == f"ok    Yumbel en medio ({casos}:2)"
    assert lineas[1:4] == [
        f"FALLA Yumbel en alto ({casos}:5)",
        "      - nivel de estrategia: se esperaba alto, resultó medio",
        "      - falta el ajuste de estructura «ajuste-inventado»",
    ]
    assert "1 de 2 casos pasan." in out
    assert "Reglas que ningún caso dispara: " in out


def test_probar_los_casos_incluidos_sale_con_0(capsys, motor):
    codigo, out, err = probar(capsys)
    assert codigo == 0, out + err
    n = sum(len(leer_casos(ruta)) for ruta in CASOS)
    assert f"{n} de {n} casos pasan. Cobertura: {len(motor.reglas)} de {len(motor.reglas)}" in out


# --- comparar ---------------------------------------------------------------------------


def test_comparar_ve_cualquier_clave_del_resultado(ejemplos):
    """Any key of the result is compared, including gaps and keys added later."""
    antes = ejemplos["yumbel"].resultado
    assert antes.vacios
    sin_vacios = antes.model_copy(update={"vacios": antes.vacios[1:]})
    cambio = diferencia("y.yaml", antes, sin_vacios)
    assert [(d.campo, d.cambio) for d in cambio.diferencias] == [("vacios", "quitado")]
    assert cambio.diferencias[0].antes["texto"] == antes.vacios[0].texto

    class ConLectura(type(antes)):  # a key a later version adds to each result
        lectura: str = ""

    uno = ConLectura(**antes.model_dump(), lectura="medio: existe, pero no se mide")
    otro = ConLectura(**antes.model_dump(), lectura="medio: existe y se mide")
    assert diferencia("y.yaml", uno, otro).diferencias == [
        Diferencia("lectura", "cambia", "medio: existe, pero no se mide", "medio: existe y se mide")
    ]
    traza = antes.model_copy(update={"traza": antes.traza[1:]})
    assert not diferencia("y.yaml", antes, traza).hay()  # the trace is not compared


def test_comparar_un_umbral_movido(motor, ejemplos):
    otro = motor_con(motor, parametros={"umbral_alto": 0.95})
    cambios = [
        diferencia(
            nombre,
            ejemplos[nombre].resultado.model_copy(update={"caminos": {}}),  # comparar: no paths
            otro.evaluar(ejemplos[nombre].respuestas).resultado,
        )
        for nombre in ("canete", "yumbel")
    ]
    canete, yumbel = cambios
    assert not yumbel.hay()
    assert Diferencia("areas.estrategia.nivel", "cambia", "alto", "medio") in canete.diferencias
    assert Diferencia("horas.por_area.estrategia", "cambia", 4.0, 5.0) in canete.diferencias
    texto = como_markdown(cambios, "base", "actuales", Nombres.de(motor, otro))
    assert "**2 comunas evaluadas: 1 cambia, 1 sin cambios.**" in texto
    assert "\n## Cañete\n\n### Estrategia\n\n- Nivel: alto → medio\n" in texto
    assert "\n- Horas del área: 4 h → 5 h\n" in texto
    assert (
        "\n- Regla que lo decide: «La estrategia existe, se usa y se mide: lineamientos "
        "vigentes, visión y misión en uso, clientes identificados por segmentos y objetivos con "
        "indicadores que se miden. Se identifican y valoran sus fortalezas.» → «Algún elemento "
        "de la estrategia existe, aunque sea débil, obsoleto o sin medición: se mejoran los "
        "lineamientos.»\n"
    ) in texto
    assert "\n- Provisional: sí → no\n" in texto
    assert (
        "\n- Pregunta por confirmar con evidencia quitada: «¿Tiene la municipalidad una visión "
        "y una misión para el fomento productivo?»\n"
    ) in texto
    total = next(d for d in canete.diferencias if d.campo == "horas.total")
    assert (
        f"\n### Plan de trabajo y horas\n\n- Horas en total: {horas(total.antes)} → "
        f"{horas(total.despues)}\n"
    ) in texto
    assert not re.search(r"areas\.|horas\.|estrategia-alto|\[|\d\.\d", texto), texto
    datos = json.loads(json.dumps(como_json(cambios)))
    assert (datos["comunas"], datos["cambian"]) == (2, 1)
    assert {
        "campo": "areas.estrategia.nivel",
        "cambio": "cambia",
        "antes": "alto",
        "despues": "medio",
    } in datos["cambios"][0]["diferencias"]


def test_comparar_un_parametro_decimal_se_lee_en_cifras_chilenas(motor, ejemplos):
    """«5 → 5.5» and JSON paths were what a consultant read for a tuning of hours."""
    otro = motor_con(motor, parametros={"horas_producto_medio": 5.5})
    antes = ejemplos["yumbel"].resultado.model_copy(update={"caminos": {}})
    cambio = diferencia("yumbel.yaml", antes, otro.evaluar(ejemplos["yumbel"].respuestas).resultado)
    texto = como_markdown([cambio], "base", "actuales", Nombres.de(motor, otro))
    lineas = texto.splitlines()
    assert "- Horas del área: 5 h → 5,5 h" in lineas
    agrupadas = [x for x in lineas if x.startswith("- Horas de ") and "líneas del plan" in x]
    assert agrupadas and all("5 h → 5,5 h cada una: «" in x for x in agrupadas), texto
    assert any(x.startswith("- Horas del paso «Taller territorial de ") for x in lineas), texto
    assert not re.search(r"areas\.|horas\.|detalle|\[|\d\.\d", texto), texto
    datos = como_json([cambio])  # scripts keep the paths and the numbers as they are
    assert {
        "campo": "horas.por_area.estrategia",
        "cambio": "cambia",
        "antes": 15.0,
        "despues": 16.5,
    } in datos["cambios"][0]["diferencias"]
    assert set(datos["cambios"][0]) == {"comuna", "origen", "diferencias"}


def test_comparar_una_regla_quitada(motor, ejemplos):
    otro = motor_con(motor, sin=("ajuste-repartir-funciones",))
    quitados = [
        d
        for nombre, e in ejemplos.items()
        if any(a.regla == "ajuste-repartir-funciones" for a in e.resultado.ajustes_estructura)
        for d in diferencia(nombre, e.resultado, otro.evaluar(e.respuestas).resultado).diferencias
        if d.campo == "ajustes_estructura"
    ]
    assert quitados
    assert all(
        d.cambio == "quitado" and "Repartir las funciones" in d.antes["texto"] for d in quitados
    )


def test_comparar_por_la_linea_de_comandos(capsys, tmp_path, ejemplos):
    entrada = tmp_path / "respuestas"
    entrada.mkdir()
    for nombre in ("bulnes", "yumbel"):
        shutil.copy(EJEMPLOS / f"{nombre}.yaml", entrada)
    cambia = [  # the comuna that loses the adjustment
        ejemplos[n].resultado.comuna
        for n in ("bulnes", "yumbel")
        if any(
            a.regla == "ajuste-repartir-funciones" for a in ejemplos[n].resultado.ajustes_estructura
        )
    ]
    assert len(cambia) == 1
    codigo, out, _ = correr(capsys, "reglas", "comparar", "--base", RAIZ, entrada)
    assert codigo == 0
    assert "2 comunas evaluadas: 0 cambian, 2 sin cambios." in out
    reglas = reglas_sin(tmp_path / "rules", "ajuste-repartir-funciones")
    args = ("--reglas", reglas, "reglas", "comparar", "--base", RAIZ, entrada)
    codigo, out, _ = correr(capsys, *args)
    assert codigo == 1
    assert f"\n## {cambia[0]}\n\n### Estructura\n\n- Ajuste de estructura quitado: Repartir" in out
    codigo, out, _ = correr(capsys, *args, "--formato", "json")
    assert codigo == 1
    datos = json.loads(out)
    assert (datos["comunas"], datos["cambian"]) == (2, 1)
    assert datos["cambios"][0]["comuna"] == cambia[0]


# --- the guide ----------------------------------------------------------------------------


GUIA = RAIZ / "docs" / "guia-reglas.md"


def bloques_yaml(texto: str) -> list[str]:
    return re.findall(r"```yaml\n(.*?)```", texto, flags=re.S)


EJEMPLOS_DE_REGLAS = [
    b
    for b in bloques_yaml(GUIA.read_text(encoding="utf-8"))
    if b.startswith(("reglas:", "tablas:"))
]


def test_la_guia_tiene_ejemplos_de_reglas_y_tablas():
    assert len(EJEMPLOS_DE_REGLAS) >= 8
    assert any(b.startswith("tablas:") for b in EJEMPLOS_DE_REGLAS)


@pytest.mark.parametrize(
    "bloque", EJEMPLOS_DE_REGLAS, ids=[f"ejemplo-{i + 1}" for i in range(len(EJEMPLOS_DE_REGLAS))]
)
def test_cada_ejemplo_de_reglas_de_la_guia_valida(motor, bloque):
    errores = [h for h in hallazgos(motor, bloque) if ": advertencia: " not in h]
    assert errores == [], bloque


def test_cada_caso_de_la_guia_es_un_archivo_de_casos_valido():
    from diagnostico_experto.comun.archivos_yaml import leer_texto
    from diagnostico_experto.consultores.casos import ArchivoCasos

    bloques = [b for b in bloques_yaml(GUIA.read_text(encoding="utf-8")) if b.startswith("casos:")]
    assert bloques
    for bloque in bloques:
        ArchivoCasos.model_validate(leer_texto(bloque))


def _tabla_de_la_guia(encabezado: str) -> dict[str, set[str]]:
    """A table of the guide by its header line: first column -> the operators it lists."""
    lineas = GUIA.read_text(encoding="utf-8").splitlines()
    inicio = lineas.index(encabezado) + 2
    filas = {}
    for linea in itertools.takewhile(lambda x: x.startswith("|"), lineas[inicio:]):
        celdas = [c.strip() for c in linea.strip("|").split("|")]
        filas[celdas[0].strip("`")] = set(re.findall(r"`([a-z_]+)`", celdas[2]))
    return filas


def test_la_tabla_de_operadores_por_tipo_de_pregunta_es_la_del_vocabulario():
    tabla = _tabla_de_la_guia("| tipo de pregunta | el valor es | operadores | ejemplo |")
    assert tabla == {t: set(clase.operadores()) for t, clase in POR_TIPO.items()}


def test_la_tabla_de_operadores_por_tipo_de_campo_es_la_del_vocabulario():
    lineas = GUIA.read_text(encoding="utf-8").splitlines()
    inicio = lineas.index("| tipo de campo | campos | operadores |") + 2
    nombres = {
        "texto": "texto",
        "número": "numero",
        "verdadero o falso": "logico",
        "lista": "lista",
    }
    vistos = {}
    for linea in itertools.takewhile(lambda x: x.startswith("|"), lineas[inicio:]):
        tipo, campos, operadores = (c.strip() for c in linea.strip("|").split("|"))
        clase = nombres[tipo]
        assert set(re.findall(r"`([a-z_]+)`", operadores)) == set(OPERADORES_DE[clase]), tipo
        vistos[clase] = {c.split(" (")[0].strip() for c in campos.split(",")}
    assert vistos == {
        clase: {c for c, t in TIPO_DE_CAMPO.items() if t == clase} for clase in OPERADORES_DE
    }
