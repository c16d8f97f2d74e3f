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
        ["definir algunos servicios como pares cliente–producto (de «No» a «Algunos»)"]
    ]


def test_one_formalisation_short_of_alto_gets_exactly_that_path(motor: Motor) -> None:
    respuestas = {**extremo(motor.conocimiento, mejor=True), "O04": "parcial"}
    evaluacion = _evaluar(motor, respuestas)
    assert evaluacion.resultado.areas["estructura"].nivel == "medio"
    assert _textos(evaluacion, "estructura") == [
        [
            "formalizar por escrito las funciones del equipo "
            "(de «De hecho, pero no formalizadas» a «Sí, por escrito»)"
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
        "crear una unidad u oficina de fomento productivo (de «Las funciones están dentro de "
        "otra dirección (DIDECO, SECPLAN u otra)» a «Sí, una unidad, oficina o departamento "
        "propio»)",
        "definir las funciones y áreas de responsabilidad del equipo "
        "(de «No» a «De hecho, pero no formalizadas»)",
    ]


def test_no_work_leads_to_lineamientos_obsoletos(motor: Motor) -> None:
    # Tirúa has no lineamientos: a mesa cannot «recover» what never existed.
    evaluacion = motor.evaluar(respuestas_de_archivo(EJEMPLOS / "tirua.yaml", motor), caminos=True)
    assert _textos(evaluacion, "estrategia") == [
        [
            "identificar los lineamientos de fomento productivo en el PLADECO "
            "(de «No hay lineamientos definidos» a «Diluidos en el PLADECO, sin orientar la acción»)"
        ]
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
    assert area.motivo == (
        "las respuestas del área que dependen del trabajo de la municipalidad ya están "
        "en su mejor valor o no se conocen"
    )


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
    # what would be needed, plainly: the changes that weigh most in the area's % de logro
    assert area.motivo == (
        "la búsqueda llegó a su límite de 1 evaluaciones sin encontrar un camino; los cambios "
        "que más suben el % de logro del área son formalizar por escrito las funciones del "
        "equipo (de «No» a «Sí, por escrito») y organizar el equipo según criterios "
        "estratégicos de segmentación (de «En parte por criterios estratégicos, en parte por "
        "agregación» a «Con criterios estratégicos de segmentación (procesos o clientes)»)"
    )
    assert [c.pregunta for c in area.faltan] == ["O04", "O03"]


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
        (
            "preguntas:\n  O04:\n    orden: ['no', si]\n    accion: algo\n    no_es_meta: [parcial]\n",
            "preguntas.O04.no_es_meta.parcial: «parcial» no está en el orden",
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
        "(de «De hecho, pero no formalizadas» a «Sí, por escrito»)."
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
    assert (
        "Camino al nivel alto (las mismas reglas, con las respuestas que la municipalidad" in texto
    )
    assert "- O04: " + accion[0].lower() + accion[1:-1] in texto  # ids stay in «explicar»
    for reporte in (md, html):
        assert "O04" not in reporte.split("Anexo")[0]  # no question ids before the annex
        assert "accionable" not in reporte


def test_no_path_says_why(motor: Motor) -> None:
    from diagnostico_experto.informes.comuna import informe

    respuestas = {**extremo(motor.conocimiento, mejor=False)}
    evaluacion = _evaluar(motor, respuestas)
    productos = evaluacion.resultado.caminos["productos"]
    assert productos.caminos == [] and productos.completo
    md = informe(evaluacion, motor.reglas, motor.conocimiento, "md")
    assert isinstance(md, str)
    assert productos.motivo == (
        "ni mejorando todas las respuestas del área que dependen del trabajo de la "
        "municipalidad se llega al nivel medio; el nivel depende también de respuestas que ese "
        "trabajo no cambia: «¿Cuántos servicios de apoyo al fomento productivo ofrece la "
        "municipalidad?» (hoy: 0)"
    )
    assert "**Camino al nivel medio.** Ni mejorando todas las respuestas del área" in md


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
        "  - hecho: identificar los lineamientos de fomento productivo en el PLADECO "
        "(de «No hay lineamientos definidos» a «Diluidos en el PLADECO, sin orientar la acción»)"
    ) in seccion  # the step the comuna took, not «obsoletos» (no work leads there)
    assert "- **Estructura (a nivel medio):** 0 de 1 cambio hecho\n  - pendiente: " in seccion
    # two alternative paths of one area: one heading, each path under it
    assert (
        "- **Procesos (a nivel medio):** recorrido por uno de los 2 caminos posibles\n"
        "  - camino 1: recorrido\n"
        "    - hecho: identificar los procesos estratégicos de fomento productivo "
    ) in seccion
    assert "  - camino 2: 0 de 1 cambio hecho\n    - pendiente: empezar a registrar" in seccion
    assert seccion.count("**Procesos (a nivel medio):**") == 1
    assert (
        "- ¿Hay objetivos e indicadores para la misión y los clientes de fomento "
        "productivo? No → Hay objetivos, pero sin indicadores o sin medición"
    ) in seccion
    assert "- ¿Dónde están definidos los lineamientos" not in seccion  # on a path: not «outside»


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
    assert "<h2>Ya no corresponden</h2>" in pagina
    # the index and the workbook count what the answers show, not what stopped being asked
    from openpyxl import load_workbook

    hoja = load_workbook(tmp_path / "informes" / "resumen.xlsx")["Avance"]
    encabezado = [c.value for c in hoja[1]]
    filas = {f[encabezado.index("área")]: f for f in hoja.iter_rows(min_row=2, values_only=True)}
    completados = encabezado.index("productos completados")
    ya_no = encabezado.index("productos que ya no corresponden")
    assert (filas["Procesos"][completados], filas["Procesos"][ya_no]) == (0, 1)
    assert (filas["Estrategia"][completados], filas["Estrategia"][ya_no]) == (1, 0)
    indice = (tmp_path / "informes" / "index.html").read_text("utf-8")
    assert '<th class="num">Ya no corresponden</th>' in indice


def _con_validacion(motor: Motor, respuestas: dict, area: str, nivel: str) -> Evaluacion:
    validacion = {area: {"nivel": nivel, "justificacion": "La mesa conoce la comuna."}}
    return motor.evaluar(
        respuestas_de(datos_respuestas(respuestas, validacion=validacion), motor.conocimiento),
        caminos=True,
    )


def test_a_level_the_mesa_validated_above_the_diagnosis_gets_no_path_to_itself(
    motor: Motor,
) -> None:
    """Diagnosed medio, validated alto: no «Camino al nivel alto», but what would make
    the answers agree with the mesa."""
    from diagnostico_experto.informes.comuna import informe

    respuestas = {**extremo(motor.conocimiento, mejor=True), "O04": "parcial"}
    evaluacion = _con_validacion(motor, respuestas, "estructura", "alto")
    area = evaluacion.resultado.areas["estructura"]
    assert (area.nivel, area.nivel_vigente) == ("medio", "alto")
    camino = evaluacion.resultado.caminos["estructura"]
    assert (camino.objetivo, camino.proposito) == ("alto", "coincidir_con_mesa")
    assert _textos(evaluacion, "estructura") == [
        [
            "formalizar por escrito las funciones del equipo "
            "(de «De hecho, pero no formalizadas» a «Sí, por escrito»)"
        ]
    ]
    md = informe(evaluacion, motor.reglas, motor.conocimiento, "md")
    assert isinstance(md, str)
    assert "Camino al nivel" not in md
    assert (
        "**Para que el diagnóstico coincida con la mesa comunal (nivel alto).** Las respuestas "
        "darían el nivel alto que validó la mesa con este cambio; hoy dan nivel medio."
    ) in md


def test_a_level_the_mesa_validated_below_the_diagnosis_needs_no_change(motor: Motor) -> None:
    respuestas = {**extremo(motor.conocimiento, mejor=True), "O04": "parcial"}
    evaluacion = _con_validacion(motor, respuestas, "estructura", "bajo")
    camino = evaluacion.resultado.caminos["estructura"]
    assert (camino.objetivo, camino.proposito, camino.caminos) == ("medio", "siguiente", [])
    assert camino.motivo == (
        "las respuestas ya dan nivel medio; la mesa comunal validó el área en nivel bajo"
    )


def test_more_changes_than_a_path_may_have_are_named(motor: Motor) -> None:
    """With paths of at most one change, an area that needs two says which."""
    camino = motor.conocimiento.camino
    uno = camino.model_copy(
        update={"limites": camino.limites.model_copy(update={"max_cambios": 1})}
    )
    otro = Motor(
        dataclasses.replace(motor.conocimiento, camino=uno), motor.reglas, motor.carpeta_reglas
    )
    area = _evaluar(otro, extremo(motor.conocimiento, mejor=False)).resultado.caminos["procesos"]
    assert area.caminos == [] and area.completo
    assert area.motivo == (
        "para llegar al nivel medio hacen falta más de 1 cambio: definir algunos servicios como "
        "pares cliente–producto (de «No» a «Algunos»), y otros que suban el % de logro del área, "
        "como identificar los procesos estratégicos distinguiendo los de negocio y los de "
        "soporte (de «No» a «Sí») y fijar objetivos e indicadores de gestión en todos los "
        "procesos (de «No» a «Sí»)"
    )
    assert [c.pregunta for c in area.faltan] == ["P02", "P01", "P03"]


def test_avance_counts_as_completed_only_what_the_answers_show(capsys) -> None:  # type: ignore[no-untyped-def]
    """Ninhue: procesos rose to medio while P02 went «Algunos → No sé»; the par
    cliente–producto product no longer applies, it is not done."""
    import json

    from conftest import CONOCIMIENTO

    historia = CONOCIMIENTO / "historia"
    codigo, out, err = correr(
        capsys,
        "avance",
        historia / "ninhue.yaml",
        historia / "ninhue-2027-11-18.yaml",
        "--formato",
        "json",
    )
    assert codigo == 0, err
    avance = json.loads(out)
    assert [p["regla"] for p in avance["completados"]] == ["producto-generico:estrategia-bajo"]
    assert avance["completados"][0]["motivo"] == (
        "lo muestran las respuestas: «¿Dónde están definidos los lineamientos estratégicos de "
        "fomento productivo?» No hay lineamientos definidos → Diluidos en el PLADECO, sin "
        "orientar la acción"
    )
    ya_no = {p["regla"]: p["motivo"] for p in avance["ya_no_corresponden"]}
    assert ya_no["producto-generico:procesos-bajo"] == (
        "cambió el nivel del área, de bajo a medio; sus respuestas no muestran que se hizo: "
        "«¿Cada servicio de fomento está definido como un par cliente–producto?» Algunos → No "
        "sé; «¿Existen sistemas de medición y registro de información de los procesos?» No hay "
        "→ No hay"
    )
    # the illustrative mesa had placed productos in alto: the area fell, nothing says it was done
    assert ya_no["producto-generico:productos-alto"] == (
        "cambió el nivel del área, de alto a bajo; ninguna respuesta dice si se hizo"
    )
    # held until «no sé» is confirmed: still pending, not completed
    assert "producto-generico:estructura-bajo" in {p["regla"] for p in avance["pendientes"]}
    assert avance["areas"]["productos"]["nota"] == (
        "Productos y servicios: el % de logro sube y el nivel baja porque el % suma todas las "
        "respuestas del área y el nivel lo deciden sus elementos clave; en la línea base, el "
        "nivel alto es el que validó la mesa comunal (el diagnóstico daba medio); hoy el nivel "
        "bajo se debe a que los servicios no se derivan de las definiciones estratégicas."
    )
    assert avance["areas"]["estrategia"]["nota"] == ""
    codigo, md, err = correr(
        capsys, "avance", historia / "ninhue.yaml", historia / "ninhue-2027-11-18.yaml"
    )
    completados, resto = md.split("## Productos completados")[1].split("## Ya no corresponden")
    assert "Definición de los lineamientos de fomento productivo." in completados
    assert "par cliente–producto" not in completados
    assert "- **Procesos (nivel bajo):** Definición del par cliente–producto." in resto
    assert (
        "áreas de responsabilidad. — pedido desde la línea base; retenido hasta confirmar "
        "par cliente–producto (hoy «no sé»)"
    ) in resto


def test_the_changes_a_level_needs_are_said_at_the_least_step_it_asks(motor: Motor) -> None:
    """El Carmen's estrategia needs four changes for alto: each at the least it must reach
    (explicit lineamientos in the PLADECO are enough; a plan of its own is not asked)."""
    evaluacion = motor.evaluar(respuestas_de_archivo(EJEMPLOS / "el-carmen.yaml", motor), True)
    area = evaluacion.resultado.caminos["estrategia"]
    assert area.caminos == [] and area.motivo.startswith(
        "para llegar al nivel alto hacen falta al menos 4 cambios: actualizar la visión"
    )
    assert {c.pregunta: c.hacia for c in area.faltan} == {
        "E01": "vigentes",
        "E02": "pladeco_explicitos",
        "E04": "si",
        "E05": "si",
    }
