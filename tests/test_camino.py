"""The path to the next level, searched with the engine, and `simular`."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from conftest import (
    EJEMPLOS,
    archivo_respuestas,
    correr,
    datos_respuestas,
    extremo,
    respuestas_de,
)
from diagnostico_experto.comun.archivos_yaml import Documento, leer_texto
from diagnostico_experto.comun.errores import ErrorDiagnostico
from diagnostico_experto.conocimiento.camino import leer_camino
from diagnostico_experto.conocimiento.respuestas import con_cambios
from diagnostico_experto.motor.motor import Evaluacion, Motor


def _evaluar(motor: Motor, respuestas: dict) -> Evaluacion:
    return motor.evaluar(
        respuestas_de(datos_respuestas(respuestas), motor.conocimiento), caminos=True
    )


def _textos(evaluacion: Evaluacion, area: str) -> list[list[str]]:
    return [[c.texto for c in p.cambios] for p in evaluacion.resultado.caminos[area].caminos]


def test_one_definition_short_of_medio_gets_exactly_that_path(motor: Motor) -> None:
    respuestas = {**extremo(motor.conocimiento, mejor=False), "P01": "parcial"}
    evaluacion = _evaluar(motor, respuestas)
    assert evaluacion.resultado.areas["procesos"].nivel == "bajo"
    camino = evaluacion.resultado.caminos["procesos"]
    assert camino.objetivo == "medio"
    assert _textos(evaluacion, "procesos") == [
        ["definir algunos servicios como pares cliente–producto (P02: no → algunos)"]
    ]


def test_one_formalisation_short_of_alto_gets_exactly_that_path(motor: Motor) -> None:
    respuestas = {**extremo(motor.conocimiento, mejor=True), "O04": "parcial"}
    evaluacion = _evaluar(motor, respuestas)
    assert evaluacion.resultado.areas["estructura"].nivel == "medio"
    assert _textos(evaluacion, "estructura") == [
        [
            "formalizar por escrito las funciones del equipo "
            "(O04: de hecho, pero no formalizadas → sí, por escrito)"
        ]
    ]
    camino = evaluacion.resultado.caminos["estructura"].caminos[0]
    productos = [p.texto for p in evaluacion.resultado.productos if p.area == "estructura"]
    assert camino.productos == productos and productos
    assert camino.horas == evaluacion.resultado.horas.por_area["estructura"]


def test_the_nearest_step_that_works_is_the_one_shown(motor: Motor) -> None:
    """Functions «de hecho» already lift a unit inside another directorate to medio."""
    respuestas = {
        **extremo(motor.conocimiento, mejor=False),
        "O01": "dentro_de_otra",
        "O04": "no",
    }
    evaluacion = _evaluar(motor, respuestas)
    assert evaluacion.resultado.areas["estructura"].nivel == "bajo"
    assert sorted(c for p in _textos(evaluacion, "estructura") for c in p) == [
        "crear una unidad u oficina de fomento productivo (O01: las funciones están dentro de "
        "otra dirección (DIDECO, SECPLAN u otra) → sí, una unidad, oficina o departamento propio)",
        "definir las funciones y áreas de responsabilidad del equipo "
        "(O04: no → de hecho, pero no formalizadas)",
    ]


def test_an_alto_area_gets_no_path(motor: Motor) -> None:
    evaluacion = _evaluar(motor, extremo(motor.conocimiento, mejor=True))
    for area, camino in evaluacion.resultado.caminos.items():
        assert evaluacion.resultado.areas[area].nivel == "alto"
        assert (camino.objetivo, camino.caminos, camino.evaluaciones) == (None, [], 0)


def test_a_non_actionable_answer_never_appears_in_a_path(motor: Motor) -> None:
    """Over every example: only declared questions, only forward, and never O06 or T04."""
    camino = motor.conocimiento.camino
    vistos = 0
    for ruta in sorted(EJEMPLOS.glob("*.yaml")):
        evaluacion = motor.evaluar(respuestas_de_archivo(ruta, motor), caminos=True)
        for area in evaluacion.resultado.caminos.values():
            for p in area.caminos:
                for c in p.cambios:
                    vistos += 1
                    assert c.pregunta in camino.preguntas
                    assert c.pregunta not in camino.no_accionables
                    orden = camino.preguntas[c.pregunta].orden
                    if orden:
                        assert orden.index(c.hacia) > orden.index(c.desde)
                    else:
                        assert c.hacia not in c.desde
    assert vistos > 29


def test_a_question_declared_non_actionable_leaves_the_path(motor: Motor) -> None:
    camino = motor.conocimiento.camino
    sin_o04 = camino.model_copy(
        update={"preguntas": {k: v for k, v in camino.preguntas.items() if k != "O04"}}
    )
    otro = Motor(
        dataclasses.replace(motor.conocimiento, camino=sin_o04), motor.reglas, motor.carpeta_reglas
    )
    respuestas = {**extremo(motor.conocimiento, mejor=True), "O04": "parcial"}
    area = _evaluar(otro, respuestas).resultado.caminos["estructura"]
    assert area.caminos == []
    assert area.motivo == "ninguna respuesta accionable del área puede avanzar"


def test_every_path_gives_the_next_level_through_the_whole_engine(motor: Motor) -> None:
    """The slice the search runs agrees with Motor.evaluar on the changed answers."""
    for nombre in ("arauco", "bulnes", "cabrero", "penco"):
        evaluacion = motor.evaluar(respuestas_de_archivo(EJEMPLOS / f"{nombre}.yaml", motor), True)
        for area, camino in evaluacion.resultado.caminos.items():
            for p in camino.caminos:
                cambios = {c.pregunta: _valor(evaluacion, c.pregunta, c.hacia) for c in p.cambios}
                despues = motor.evaluar(
                    con_cambios(evaluacion.respuestas, cambios, motor.conocimiento)
                ).resultado
                assert despues.areas[area].nivel == camino.objetivo, (nombre, area, cambios)


def _valor(evaluacion: Evaluacion, pregunta: str, hacia: object) -> object:
    actual = evaluacion.respuestas.respuestas[pregunta]
    return [*actual, hacia] if isinstance(actual, list) else hacia


def respuestas_de_archivo(ruta: Path, motor: Motor):  # type: ignore[no-untyped-def]
    from diagnostico_experto.conocimiento.respuestas import cargar_respuestas

    return cargar_respuestas(ruta, motor.conocimiento)


def test_the_path_is_a_new_key_of_the_json(motor: Motor) -> None:
    datos = _evaluar(motor, extremo(motor.conocimiento, mejor=False)).resultado.model_dump(
        mode="json"
    )
    assert list(datos)[:12] == [
        "comuna",
        "ugt",
        "fecha",
        "ilustrativo",
        "areas",
        "productos",
        "fusiones",
        "vacios",
        "ajustes_estructura",
        "horas",
        "advertencias",
        "traza",
    ]
    assert set(datos["caminos"]) == {"estrategia", "estructura", "procesos", "productos"}
    assert (
        motor.evaluar(respuestas_de(datos_respuestas({}), motor.conocimiento)).resultado.caminos
        == {}
    )


def test_the_limits_bound_the_search(motor: Motor) -> None:
    camino = motor.conocimiento.camino
    corto = camino.model_copy(
        update={"limites": camino.limites.model_copy(update={"max_evaluaciones": 1})}
    )
    otro = Motor(
        dataclasses.replace(motor.conocimiento, camino=corto), motor.reglas, motor.carpeta_reglas
    )
    respuestas = {**extremo(motor.conocimiento, mejor=True), "O04": "no", "O03": "mixta"}
    area = _evaluar(otro, respuestas).resultado.caminos["estructura"]
    assert area.evaluaciones == 1
    assert not area.completo
    assert area.motivo == "la búsqueda llegó a su límite de 1 evaluaciones sin encontrar un camino"


@pytest.mark.parametrize(
    ("texto", "mensaje"),
    [
        (
            "preguntas:\n  X04:\n    orden: [no, si]\n    accion: algo\n",
            "camino.yaml:2: preguntas.X04: pregunta desconocida «X04»",
        ),
        (
            "preguntas:\n  O04:\n    orden: ['no', talvez]\n    accion: algo\n",
            "camino.yaml:3: preguntas.O04.orden[2]: «talvez» no es una opción de O04",
        ),
        (
            "preguntas:\n  O04:\n    orden: ['no', parcial]\n",
            "falta la frase de acción para llegar a «parcial»",
        ),
    ],
)
def test_a_wrong_camino_file_is_one_line_with_its_place(
    motor: Motor, texto: str, mensaje: str
) -> None:
    doc = Documento(Path("camino.yaml"), leer_texto(texto, "camino.yaml"))
    with pytest.raises(ErrorDiagnostico) as exc:
        leer_camino(doc, motor.conocimiento.cuestionario)
    assert mensaje in str(exc.value)


def test_simular_shows_before_and_after_without_writing(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    ruta = tmp_path / "arauco.yaml"
    ruta.write_bytes((EJEMPLOS / "arauco.yaml").read_bytes())
    antes = ruta.read_bytes()
    codigo, out, err = correr(
        capsys, "simular", ruta, "--cambiar", "O01=unidad_propia", "--cambiar", "e02=obsoletos"
    )
    assert codigo == 0, err
    assert ruta.read_bytes() == antes
    assert "| Estrategia | bajo | **medio** |" in out
    assert "| Estructura | medio | **alto** |" in out
    assert "- Estrategia: Definición de los lineamientos de fomento productivo." in out
    assert "| **Total** | 73 h | **69 h** |" in out


@pytest.mark.parametrize(
    ("cambio", "mensaje"),
    [
        ("O04", "--cambiar «O04»: escriba PREGUNTA=VALOR, p. ej. O04=si"),
        ("O04=quizas", "--cambiar «O04=quizas»: valor «quizas» no es una opción"),
        ("Z99=si", "--cambiar «Z99=si»: pregunta desconocida «Z99»"),
    ],
)
def test_simular_refuses_a_wrong_change(tmp_path: Path, capsys, cambio: str, mensaje: str) -> None:  # type: ignore[no-untyped-def]
    ruta = archivo_respuestas(tmp_path, {"O01": "unidad_propia"})
    codigo, _, err = correr(capsys, "simular", ruta, "--cambiar", cambio)
    assert codigo == 2
    assert mensaje in err
    assert "Traceback" not in err


def test_every_report_has_a_short_path_section_per_area(motor: Motor) -> None:
    from diagnostico_experto.informes.comuna import explicacion, informe

    respuestas = {**extremo(motor.conocimiento, mejor=True), "O04": "parcial"}
    evaluacion = _evaluar(motor, respuestas)
    accion = (
        "Formalizar por escrito las funciones del equipo "
        "(O04: de hecho, pero no formalizadas → sí, por escrito)."
    )
    md = informe(evaluacion, motor.reglas, motor.conocimiento, "md")
    assert isinstance(md, str)
    horas_area = evaluacion.resultado.horas.por_area["estructura"]
    assert (
        "**Camino al nivel alto.** Las reglas darían nivel alto con este cambio. "
        f"Lo trabajan los productos del área ({horas_area:g} h).\n- " + accion
    ) in md
    assert md.count("Camino al nivel") == 1  # the other areas are alto
    html = informe(evaluacion, motor.reglas, motor.conocimiento, "html")
    assert isinstance(html, str)
    assert f"<li>{accion}</li>" in html
    texto = explicacion(evaluacion, motor.reglas, motor.conocimiento)
    assert "Camino al nivel alto (las mismas reglas, con respuestas accionables cambiadas" in texto
    assert "- " + accion[0].lower() + accion[1:-1] in texto


def test_no_path_says_why(motor: Motor) -> None:
    from diagnostico_experto.informes.comuna import informe

    respuestas = {**extremo(motor.conocimiento, mejor=False)}
    evaluacion = _evaluar(motor, respuestas)
    productos = evaluacion.resultado.caminos["productos"]
    assert productos.caminos == [] and productos.completo
    md = informe(evaluacion, motor.reglas, motor.conocimiento, "md")
    assert isinstance(md, str)
    assert f"No se encontró un camino: {productos.motivo}." in md


def test_avance_says_which_paths_were_walked_and_what_changed_outside(motor: Motor, capsys) -> None:  # type: ignore[no-untyped-def]
    from conftest import CONOCIMIENTO

    historia = CONOCIMIENTO / "historia"
    codigo, out, err = correr(
        capsys, "avance", historia / "ninhue.yaml", historia / "ninhue-2027-11-18.yaml"
    )
    assert codigo == 0, err
    seccion = out.split("## Camino al nivel siguiente desde la línea base")[1]
    assert (
        "- **Estrategia (a nivel medio):** recorrido\n"
        "  - hecho: recuperar los lineamientos de fomento productivo que existieron "
        "(E02: no hay lineamientos definidos → existen, pero están obsoletos)"
    ) in seccion
    assert "- **Estructura (a nivel medio):** 0 de 1 cambio hecho\n  - pendiente: " in seccion
    assert (
        "- E05 (¿Hay objetivos e indicadores para la misión y los clientes de fomento "
        "productivo?): No → Hay objetivos, pero sin indicadores o sin medición"
    ) in seccion
    assert "- E02 (" not in seccion  # on a path: not «outside»


def test_the_batch_avance_pages_carry_the_paths(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    from conftest import CONOCIMIENTO

    entrada = tmp_path / "historia"
    entrada.mkdir()
    for nombre in ("ninhue.yaml", "ninhue-2027-11-18.yaml"):
        (entrada / nombre).write_bytes((CONOCIMIENTO / "historia" / nombre).read_bytes())
    codigo, _, err = correr(capsys, "lote", entrada, "--salida", tmp_path / "informes")
    assert codigo == 0, err
    pagina = (tmp_path / "informes" / "comunas" / "ninhue-avance.html").read_text("utf-8")
    assert "<h2>Camino al nivel siguiente desde la línea base</h2>" in pagina
    assert "<strong>Estrategia (a nivel medio):</strong> recorrido" in pagina
    assert "Cambios fuera de todo camino:" in pagina
