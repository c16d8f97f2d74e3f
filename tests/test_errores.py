"""Bad input: a Spanish message with file, line and field, exit 2, never a traceback."""

from __future__ import annotations

import subprocess
import sys

import pytest

from conftest import (
    CONOCIMIENTO,
    CONOCIMIENTO_MINIMO,
    EJEMPLOS,
    archivo_respuestas,
    conocimiento_con,
    conocimiento_minimo,
    copiar_carpetas,
    correr,
    editar_yaml,
    error_con_carpetas,
    error_de,
    evaluar_datos,
    motor_con,
    reglas_de_texto,
)
from diagnostico_experto.comun.archivos_yaml import escribir_atomico, leer
from diagnostico_experto.comun.errores import (
    ErrorDiagnostico,
    ErrorEntorno,
    ErrorMotor,
    ErrorReglas,
    ErrorRespuestas,
)
from diagnostico_experto.conocimiento.carpeta import ArchivoParametros, cargar_conocimiento
from diagnostico_experto.conocimiento.preguntas import Cuestionario
from diagnostico_experto.conocimiento.respuestas import cargar_respuestas


def respuestas_texto(tmp_path, texto: str):
    archivo = tmp_path / "r.yaml"
    archivo.write_text(texto, encoding="utf-8")
    return archivo


BASE = "comuna: Ninhue\nfecha: 2026-11-01\nrespuestas:\n  E01: vigentes\n"


@pytest.mark.parametrize(
    ("texto", "esperado"),
    [
        (BASE + "  E02: [plan_propio\n", "r.yaml:5: respuestas.E02: falta cerrar una lista"),
        (BASE.replace("Ninhue", "Ninhe"), "r.yaml:1: comuna: comuna desconocida «Ninhe»"),
        (BASE + "  E99: si\n", "r.yaml:5: respuestas.E99: pregunta desconocida «E99»"),
        (BASE + "  E02: sin_plan\n", "r.yaml:5: respuestas.E02: valor «sin_plan» no es una opción"),
        (BASE + "  E06: tres\n", "r.yaml:5: respuestas.E06: debe ser un número entero de 1 a 5"),
        (BASE + "  E06: 9\n", "r.yaml:5: respuestas.E06: debe estar entre 1 y 5"),
        (BASE + "  O01: no_sabe\n", "r.yaml:5: respuestas.O01: esta pregunta no admite «no_sabe»"),
        (
            BASE + "  O05: [ninguno, informal]\n",
            "r.yaml:5: respuestas.O05: «ninguno» no se puede combinar",
        ),
        (BASE + "  E01: obsoletas\n", "r.yaml:5: clave repetida «E01»"),
        (
            BASE.replace("fecha: 2026-11-01", "fecha: ayer"),
            "r.yaml:2: fecha: «ayer» no es una fecha; escríbala como 12-03-2026",
        ),
        (
            BASE + "servicio: []\n",
            "r.yaml:5: servicio: campo desconocido ¿Quiso decir «servicios»?",
        ),
        (
            BASE
            + "servicios:\n  - {nombre: X, unidad: U, origen: indap, clientes: [nadie], etapas: [difusion]}\n",
            "r.yaml:6: servicios[1].clientes: «nadie» no es un tipo de cliente conocido; se aceptan: "
            "microempresas, emprendedores, pequenos_agricultores, pescadores_artesanales, artesanos,"
            " organizaciones_productivas, buscadores_empleo, turismo",
        ),
        (
            BASE + "validacion:\n  estructura: {nivel: altisimo, justificacion: x}\n",
            "r.yaml:6: validacion.estructura.nivel: valor «altisimo» no permitido",
        ),
        (
            BASE + "validacion:\n  estructura: {nivel: alto, justificacion: ''}\n",
            "r.yaml:6: validacion.estructura.justificacion: la mesa comunal debe justificar",
        ),
        (
            BASE + "validacion:\n  estructura: {nivel: alto}\n",
            "r.yaml:6: validacion.estructura.justificacion: falta este campo obligatorio",
        ),
        (
            BASE + "validacion:\n  finanzas: {nivel: alto, justificacion: x}\n",
            "r.yaml:6: validacion.finanzas: valor «finanzas» no permitido",
        ),
        ("respuestas: {}\n", "r.yaml:1: comuna: falta este campo obligatorio"),
        ("", "r.yaml: el archivo está vacío"),
    ],
)
def test_archivo_de_respuestas_invalido(motor, tmp_path, texto, esperado):
    archivo = respuestas_texto(tmp_path, texto)
    with pytest.raises(ErrorDiagnostico) as error:
        cargar_respuestas(archivo, motor.conocimiento)
    assert f"{tmp_path}/{esperado}" in str(error.value)


def test_archivo_de_respuestas_invalido_sale_con_2(capsys, tmp_path):
    archivo = respuestas_texto(tmp_path, BASE + "  E02: sin_plan\n  E06: 9\n")
    assert error_de(capsys, "evaluar", archivo).splitlines() == [
        f"{archivo}:5: respuestas.E02: valor «sin_plan» no es una opción; opciones: "
        "plan_propio, pladeco_explicitos, diluidos_pladeco, obsoletos, no_hay, no_sabe",
        f"{archivo}:6: respuestas.E06: debe estar entre 1 y 5",
    ]


@pytest.mark.parametrize(
    ("escrito", "leido"),
    [("'2,5'", 2.5), ('"2.5"', 2.5), ("' 3 '", 3), ("'12,0'", 12), ("2.5", 2.5)],
)
def test_un_numero_escrito_como_texto_con_coma_decimal(motor, tmp_path, escrito, leido):
    """«O06: "2,5"» is two and a half, as the questionnaire and the planilla read it."""
    archivo = respuestas_texto(tmp_path, BASE + f"  O06: {escrito}\n  E06: '4'\n")
    respuestas = cargar_respuestas(archivo, motor.conocimiento).respuestas
    assert (respuestas["O06"], respuestas["E06"]) == (leido, 4)


@pytest.mark.parametrize(
    ("escrito", "motivo"),
    [
        ("'dos,5'", "debe ser un número (por ejemplo 2,5)"),
        ("'2,5,1'", "debe ser un número (por ejemplo 2,5)"),
        ("''", "debe ser un número (por ejemplo 2,5)"),
        ("'nan'", "debe ser un número finito (no .nan ni .inf)"),
        ("'-inf'", "debe ser un número finito (no .nan ni .inf)"),
    ],
)
def test_un_texto_que_no_es_numero_se_rechaza_en_una_linea(capsys, tmp_path, escrito, motivo):
    archivo = respuestas_texto(tmp_path, BASE + f"  O06: {escrito}\n")
    assert error_de(capsys, "evaluar", archivo).splitlines() == [
        f"{archivo}:5: respuestas.O06: {motivo}"
    ]


def test_archivo_inexistente(capsys, tmp_path):
    err = error_de(capsys, "evaluar", tmp_path / "no.yaml")
    assert err == f"{tmp_path / 'no.yaml'}: el archivo no existe"


@pytest.mark.parametrize(
    ("regla", "esperado"),
    [
        (
            "reglas:\n  - id: x\n    descripcion: d\n    si:\n      - respuesto: {pregunta: E01}\n"
            "    entonces:\n      - marca: {nombre: m}\n",
            "extra.yaml:5: reglas[1].si[1].respuesto: condición desconocida «respuesto» ¿Quiso decir «respuesta»?",
        ),
        (
            "reglas:\n  - id: x\n    descripcion: d\n    si:\n      - respuesta: {preguntа: E01}\n"
            "    entonces:\n      - marca: {nombre: m}\n",
            "extra.yaml:5: reglas[1].si[1].respuesta",
        ),
        (
            "reglas:\n  - id: x\n    descripcion: d\n    si:\n      - respuesta: {pregunta: E01, valor: quizas}\n"
            "    entonces:\n      - marca: {nombre: m}\n",
            "extra.yaml:5: reglas[1].si[1].respuesta.valor: «quizas» no es un valor posible de respuesta.valor",
        ),
        (
            "reglas:\n  - id: x\n    descripcion: d\n    si:\n      - puntaje: {area: estrategia, valor: {al_menos: $umbral_altísimo}}\n"
            "    entonces:\n      - marca: {nombre: m}\n",
            "extra.yaml:5: reglas[1].si[1].puntaje.valor: parámetro desconocido «umbral_altísimo» ¿Quiso decir «umbral_alto»?",
        ),
        (
            "reglas:\n  - id: x\n    descripcion: d\n    si:\n      - puntaje: {area: estrategia, valor: {casi: 1}}\n"
            "    entonces:\n      - marca: {nombre: m}\n",
            "extra.yaml:5: reglas[1].si[1].puntaje.valor: operador desconocido «casi»",
        ),
        (
            "reglas:\n  - id: x\n    descripcion: d\n    si:\n      - comuna: {}\n"
            "    entonces:\n      - nivel:\n          area: ?a\n          nivel: bajo\n",
            "extra.yaml:8: reglas[1].entonces[1].nivel.area: la variable ?a no está ligada",
        ),
        (
            "reglas:\n  - id: x\n    descripcion: d\n    si:\n      - comuna: {}\n"
            "    entonces:\n      - nivel: {area: finanzas, nivel: bajo}\n",
            "extra.yaml:7: reglas[1].entonces[1].nivel.area: «finanzas» no es un valor posible",
        ),
        (
            "reglas:\n  - id: x\n    descripcion: d\n    si:\n      - comuna: {}\n"
            "    entonces:\n      - respuesta: {pregunta: E01}\n",
            "extra.yaml:7: reglas[1].entonces[1].respuesta: no se puede concluir «respuesta»",
        ),
        (
            "reglas:\n  - id: x\n    descripcion: d\n    si:\n      - etapa: {servicio: ?a}\n"
            "    entonces:\n      - marca: {nombre: m}\n",
            "extra.yaml:5: reglas[1].si.etapa: dentro de { } o [ ] una variable ?nombre va entre comillas",
        ),
        (
            "reglas:\n  - id: x\n    descripcion: d\n    si:\n      - compara: [?a, distinto, ?b]\n"
            "    entonces:\n      - marca: {nombre: m}\n",
            "extra.yaml:5: reglas[1].si[1].compara: dentro de [ ] una variable ?nombre va entre comillas",
        ),
        (
            "reglas:\n  - id: x\n    descripcion: d\n    prioridad: alta\n    si:\n      - comuna: {}\n"
            "    entonces:\n      - marca: {nombre: m}\n",
            "extra.yaml:4: reglas[1].prioridad: debe ser un número entero",
        ),
        (
            "reglas:\n  - id: x\n    descripcion: d\n    si: []\n    entonces:\n      - marca: {nombre: m}\n",
            "extra.yaml:4: reglas[1].si: no puede estar vacío",
        ),
    ],
)
def test_archivo_de_reglas_mal_formado(motor, regla, esperado):
    with pytest.raises(ErrorDiagnostico) as error:
        reglas_de_texto(regla, motor.conocimiento)
    assert esperado in str(error.value)


def test_reglas_mal_formadas_al_evaluar_salen_con_2(capsys, tmp_path):
    reglas, conocimiento = copiar_carpetas(tmp_path)
    (reglas / "extra.yaml").write_text(
        "reglas:\n  - id: estrategia-alto\n    descripcion: d\n    si:\n      - comuna: {}\n"
        "    entonces:\n      - marca: {nombre: m}\n",
        encoding="utf-8",
    )
    err = error_con_carpetas(capsys, reglas, conocimiento)
    assert err.startswith(
        f"{reglas / 'extra.yaml'}:2: id: regla «estrategia-alto» repetida; ya está en"
    )


def test_carpeta_de_reglas_inexistente(capsys, tmp_path):
    err = error_de(capsys, "evaluar", EJEMPLOS / "yumbel.yaml", "--reglas", tmp_path / "nada")
    assert "la carpeta de reglas no existe" in err


def test_reglas_que_dejan_un_area_sin_nivel(motor):
    de_procesos = tuple(
        r.id
        for r in motor.reglas
        if any(c.tipo == "nivel" and c.valor("area") == "procesos" for c in r.conclusiones)
    )
    with pytest.raises(ErrorMotor) as error:
        evaluar_datos(motor_con(motor, sin=de_procesos), {})
    assert str(error.value) == (
        f"{motor.carpeta_reglas}: las reglas no asignan nivel (o nivel vigente) a: procesos "
        "(comuna Ninhue). Revise las reglas de clasificación."
    )


def test_cuestionario_con_condicion_sobre_opcion_inexistente(tmp_path):
    cuestionario = CONOCIMIENTO_MINIMO["cuestionario.yaml"] + (
        "  - id: E02\n    area: estrategia\n    tipo: texto\n    texto: Cuáles\n"
        "    ayuda: a\n    fuente: f\n    aplica_si: [{pregunta: E01, valor: sii}]\n"
    )
    carpeta = conocimiento_minimo(tmp_path, **{"cuestionario.yaml": cuestionario})
    with pytest.raises(ErrorReglas) as error:
        cargar_conocimiento(carpeta)
    linea = cuestionario.splitlines().index("    aplica_si: [{pregunta: E01, valor: sii}]") + 1
    assert str(error.value).startswith(f"{carpeta / 'cuestionario.yaml'}:{linea}: ")
    assert str(error.value).endswith("«sii» no es una opción de E01 ¿Quiso decir «si»?")


_AREAS = "".join(
    f"  {a}: {{nombre: {a}}}\n"
    for a in ("estrategia", "estructura", "procesos", "productos", "transversal")
)
_PREGUNTA = "  - id: {id}\n    area: estrategia\n    texto: t\n    ayuda: a\n    fuente: f\n"


@pytest.mark.parametrize(
    ("campos", "marca", "esperado"),
    [
        (
            "    tipo: sino\n",
            "tipo: sino",
            "preguntas[2].tipo: valor «sino» no permitido; se espera 'si_no', 'escala', "
            "'opcion_unica', 'opcion_multiple', 'numero' o 'texto'",
        ),
        ("    no_sabe: true\n", "- id: X2", "preguntas[2].tipo: falta este campo obligatorio"),
        (
            "    tipo: si_no\n    escala: {minimo: 0}\n",
            "- id: X2",
            "preguntas[2]: una pregunta «si_no» no lleva «escala»",
        ),
        (
            "    tipo: texto\n    tramos: []\n",
            "- id: X2",
            "preguntas[2]: una pregunta «texto» no lleva «tramos»",
        ),
        (
            "    tipo: escala\n    peso: -1\n",
            "peso:",
            "preguntas[2].peso: debe ser mayor o igual que 0.0",
        ),
        (
            "    tipo: escala\n    escala:\n      maximo: cinco\n",
            "maximo:",
            "preguntas[2].escala.maximo: debe ser un número entero",
        ),
        (
            "    tipo: opcion_multiple\n    opciones: [{valor: a, texto: A}]\n",
            "- id: X2",
            "preguntas[2]: una pregunta «opcion_multiple» necesita al menos dos opciones",
        ),
    ],
)
def test_una_pregunta_mal_escrita_se_nombra_por_su_tipo_y_su_linea(
    tmp_path, campos, marca, esperado
):
    # Each question type is its own model; the error still names the file's line and
    # field, never the model (pydantic's union tag) in between.
    texto = (
        f"areas:\n{_AREAS}preguntas:\n"
        + _PREGUNTA.format(id="X1")
        + "    tipo: si_no\n"
        + _PREGUNTA.format(id="X2")
        + campos
    )
    ruta = tmp_path / "cuestionario.yaml"
    ruta.write_text(texto, encoding="utf-8")
    linea = next(i for i, fila in enumerate(texto.splitlines(), 1) if marca in fila)
    with pytest.raises(ErrorDiagnostico) as error:
        leer(ruta).validar(Cuestionario)
    assert str(error.value) == f"{ruta}:{linea}: {esperado}"


@pytest.mark.parametrize(
    ("args", "esperado"),
    [
        (["evaluar"], "falta ARCHIVO"),
        (
            ["evaluar", "x.yaml", "--formato", "pdf"],
            "valor no válido para --formato; opciones: md, html, docx, json",
        ),
        (["evaluar", "x.yaml", "--colores"], "opción desconocida: --colores"),
        (["evaular"], "comando desconocido"),
    ],
)
def test_uso_incorrecto(capsys, args, esperado):
    err = error_de(capsys, *args)
    assert esperado in err
    assert "Uso: diagnostico" in err


def test_ayuda_en_espanol(capsys):
    codigo, out, _ = correr(capsys, "evaluar", "--help")
    assert codigo == 0
    assert "Uso: diagnostico evaluar [OPCIONES] ARCHIVO" in out
    assert "Muestra esta ayuda y termina." in out
    assert "Opciones:" in out


@pytest.mark.lento
def test_el_comando_instalado_no_muestra_traceback_y_sale_con_2(tmp_path):
    archivo = archivo_respuestas(tmp_path, {"E02": "sin_plan"})
    proceso = subprocess.run(
        [sys.executable, "-m", "diagnostico_experto", "evaluar", str(archivo)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proceso.returncode == 2
    assert "Traceback" not in proceso.stderr
    assert "r.yaml:4: respuestas.E02" in proceso.stderr


@pytest.mark.parametrize(
    ("archivo", "antes", "despues", "esperado"),
    [
        (
            "parametros.yaml",
            "valor: 0.75",
            "valor: -0.75",
            "parametros.umbral_alto.valor: -0,75 está fuera de rango: debe estar entre 0 y 1",
        ),
        (
            "parametros.yaml",
            "valor: 0.75",
            "valor: alto",
            "parametros.umbral_alto.valor: debe ser un número, porque el parámetro tiene mínimo "
            "y máximo",
        ),
        (
            "parametros.yaml",
            "valor: 0.75",
            "valor: 0,75",
            "parametros.umbral_alto.valor: debe ser un número; escriba 0.75, con punto decimal",
        ),
        (
            "horas.yaml",
            "valor: 4",
            "valor: 5,5",
            "parametros.horas_producto_alto.valor: debe ser un número; escriba 5.5, con punto "
            "decimal",
        ),
        (
            "horas.yaml",
            "valor: 4",
            "valor: -4",
            "parametros.horas_producto_alto.valor: -4 está fuera de rango: debe ser al menos 0",
        ),
    ],
)
def test_un_parametro_fuera_de_su_rango_se_rechaza_con_su_linea(
    tmp_path, archivo, antes, despues, esperado
):
    ruta = tmp_path / archivo
    texto = (CONOCIMIENTO / archivo).read_text(encoding="utf-8")
    ruta.write_text(texto.replace(antes, despues, 1), encoding="utf-8")
    linea = next(i for i, fila in enumerate(texto.splitlines(), 1) if antes in fila)
    with pytest.raises(ErrorDiagnostico) as error:
        leer(ruta).validar(ArchivoParametros)
    assert str(error.value) == f"{ruta}:{linea}: {esperado}"


def test_un_decimal_con_coma_en_conocimiento_o_reglas_dice_como_escribirlo(capsys, tmp_path):
    """Knowledge and rule files are YAML: «4,5» is a text there, not four and a half."""
    reglas, _ = copiar_carpetas(tmp_path / "copia")

    def horas_con_coma(datos) -> None:
        linea = next(
            c["horas"]
            for r in datos["reglas"]
            for c in r["entonces"]
            if isinstance(c.get("horas"), dict) and c["horas"]["horas"] == "$horas_producto_medio"
        )
        linea["horas"] = "2.473,5"

    editar_yaml(reglas / "horas.yaml", horas_con_coma)
    vistos = []
    for nombre, cambiar in (
        ("calendario", lambda datos: datos.update(duracion_taller_horas="4,5")),
        ("horas", lambda datos: datos["parametros"]["horas_producto_medio"].update(minimo="0,5")),
        ("parametros", lambda datos: None),
    ):
        conocimiento = conocimiento_con(tmp_path / nombre, **{nombre: cambiar})
        texto = (conocimiento / f"{nombre}.yaml").read_text(encoding="utf-8")
        assert nombre == "parametros" or ": 4,5\n" in texto or ": 0,5\n" in texto  # as typed
        codigo, out, _ = correr(
            capsys, "--reglas", reglas, "--conocimiento", conocimiento, "reglas", "validar"
        )
        assert codigo == 1, out
        vistos.append(out.splitlines()[0].split(": ", 1)[1])
    assert vistos == [
        "duracion_taller_horas: debe ser un número; escriba 4.5, con punto decimal",
        "parametros.horas_producto_medio.minimo: debe ser un número; escriba 0.5, con punto "
        "decimal",
        "reglas[2].entonces[1].horas.horas: horas.horas es un número: «2.473,5» no lo es; "
        "escriba 2473.5, con punto decimal",
    ]


def test_un_decimal_con_coma_en_un_mapeo_en_linea_dice_como_escribirlo(capsys, tmp_path):
    """«{…, horas: 2,5, …}» is «horas: 2» and a field «5» to YAML; the consultant meant 2.5.
    (Typed as text: editing the file as data cannot write this mistake.)"""
    reglas, conocimiento = copiar_carpetas(tmp_path)
    archivo = reglas / "horas.yaml"
    texto = archivo.read_text(encoding="utf-8")
    assert "horas: $horas_producto_medio," in texto
    archivo.write_text(texto.replace("horas: $horas_producto_medio,", "horas: 2,5,", 1))
    codigo, out, _ = correr(
        capsys, "--reglas", reglas, "--conocimiento", conocimiento, "reglas", "validar"
    )
    assert codigo == 1, out
    assert out.splitlines()[0].split(": ", 2)[2] == (
        "«horas» no tiene el campo «5»; ¿un decimal con coma? escriba 2.5, con punto decimal"
    )


def test_cada_falla_tiene_su_clase_y_el_mismo_codigo(tmp_path, conocimiento):
    """Callers tell the answers from the rules and the machine by class; all exit 2."""
    no_utf8 = tmp_path / "r.yaml"
    no_utf8.write_bytes(b"comuna: \xff\n")
    with pytest.raises(ErrorRespuestas) as respuestas:
        cargar_respuestas(no_utf8, conocimiento)
    assert str(respuestas.value) == f"{no_utf8}: no está en UTF-8 (guárdelo como texto UTF-8)"
    with pytest.raises(ErrorReglas) as reglas:
        cargar_conocimiento(tmp_path / "nada")
    assert str(reglas.value) == f"{tmp_path / 'nada'}: la carpeta de conocimiento no existe"
    (tmp_path / "archivo").write_text("", encoding="utf-8")
    with pytest.raises(ErrorEntorno) as entorno:
        escribir_atomico(tmp_path / "archivo" / "informe.md", "texto")
    assert str(entorno.value).startswith(f"{tmp_path / 'archivo' / 'informe.md'}: no se pudo")
    assert {c.codigo_salida for c in (ErrorRespuestas, ErrorReglas, ErrorEntorno, ErrorMotor)} == {
        2
    }


@pytest.mark.parametrize(
    ("texto", "esperado"),
    [
        (  # a tab that indents a key
            "comuna: Ninhue\nrespuestas:\n  E01: vigentes\n\tE02: plan_propio\n",
            "r.yaml:4: respuestas.E02: hay un tabulador; use espacios para indentar (columna 1)",
        ),
        (  # a key indented less than its siblings
            "comuna: Ninhue\nrespuestas:\n  E01: vigentes\n E02: plan_propio\n",
            "r.yaml:4: respuestas.E02: la indentación no es coherente (columna 2)",
        ),
        (  # a list item's field, counted as a person counts
            'comuna: Ninhue\nmesa:\n  - nombre: A\n  - nombre: B\n    cargo: "x\n',
            "r.yaml:5: mesa[2].cargo: el archivo termina antes de cerrar comillas (columna 12)",
        ),
        (  # a list at its key's own indentation
            "comuna: Ninhue\nservicios:\n- nombre: A\n  clientes: [a, b\n",
            "r.yaml:4: servicios[1].clientes: falta cerrar una lista o un mapeo ([ ] o { }) "
            "(columna 13)",
        ),
    ],
)
def test_un_error_de_sintaxis_nombra_el_campo_de_su_linea(capsys, tmp_path, texto, esperado):
    ruta = tmp_path / "r.yaml"
    ruta.write_text(texto, encoding="utf-8")
    assert error_de(capsys, "evaluar", ruta) == f"{tmp_path}/{esperado}"
