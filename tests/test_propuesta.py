"""The propuesta de intervención: fusions, gaps, structure adjustments, hours, mesa validation.

Every rule is reached through answers evaluated by the engine (session ``motor``).
"""

from __future__ import annotations

import pytest

from conftest import (
    como_json,
    copiar_carpetas,
    escribir_yaml,
    evaluar_datos,
    extremo,
    motor_con,
    resultado,
)
from diagnostico_experto.comun.errores import ErrorDiagnostico
from diagnostico_experto.conocimiento.carpeta import cargar_conocimiento
from diagnostico_experto.conocimiento.preguntas import AREAS
from diagnostico_experto.conocimiento.respuestas import cargar_respuestas
from diagnostico_experto.informes.comuna import explicacion, informe


def servicio(nombre, unidad, clientes, etapas, area=None, origen="municipal"):
    datos = {
        "nombre": nombre,
        "unidad": unidad,
        "origen": origen,
        "clientes": clientes,
        "etapas": etapas,
    }
    if area:
        datos["area_proceso"] = area
    return datos


def evaluar(motor, respuestas, servicios, **extra):
    return resultado(motor, respuestas, servicios=servicios, **extra)


@pytest.fixture
def peor(motor):
    return extremo(motor.conocimiento, mejor=False)


@pytest.fixture
def mejor(motor):
    return extremo(motor.conocimiento, mejor=True)


INVENTARIO = [
    # A and B: same clients, three shared stages -> a fusion (municipal, different units)
    servicio("A", "UDEL", ["emprendedores"], ["difusion", "capacitacion", "financiamiento"]),
    servicio(
        "B",
        "DIDECO",
        ["emprendedores", "microempresas"],
        ["difusion", "capacitacion", "financiamiento"],
    ),
    # C shares one stage with B for microempresas -> not in the group
    servicio("C", "DIDECO", ["microempresas"], ["financiamiento", "seguimiento"]),
    # D shares stages with A but serves other clients; E shares nothing -> nothing
    servicio("D", "OMIL", ["buscadores_empleo"], ["difusion", "capacitacion"]),
    servicio("E", "OMIL", ["artesanos"], ["comercializacion"]),
]


# --- fusions and coordinations: one proposal per group -------------------------------

# answers with procesos in medio (processes identified in part): fusions can be proposed
PROCESOS_MEDIO = {"P01": "parcial", "P02": "parcial"}


@pytest.fixture
def medio(peor):
    return {**peor, **PROCESOS_MEDIO}


def test_servicios_municipales_que_repiten_etapas_se_fusionan(motor, medio):
    resultado = evaluar(motor, medio, INVENTARIO)
    assert resultado["areas"]["procesos"]["nivel_vigente"] == "medio"
    # C shares only financing with B (one stage), D and E serve other clients: one group
    [fusion] = resultado["fusiones"]
    assert fusion["servicios"] == ["A", "B"]
    assert (fusion["tipo"], fusion["regla"]) == ("fusion", "fusion-de-procesos")
    assert fusion["etapas"] == ["difusion", "capacitacion", "financiamiento"]
    assert fusion["etapa"] == "difusion, capacitacion, financiamiento"
    assert (fusion["clientes"], fusion["origenes"]) == (["emprendedores"], ["municipal"])
    assert fusion["unidades"] == ["UDEL", "DIDECO"]
    assert fusion["texto"] == (
        "Fusionar los procesos de A y B, servicios propios del municipio (UDEL y DIDECO), "
        "en las etapas de difusión, capacitación y financiamiento, que hoy realizan por "
        "separado para "
        "emprendedores: un solo proceso, con un responsable."
    )
    assert resultado["insumos"] == []


def test_servicios_unidos_a_traves_de_otro_dan_una_sola_propuesta(motor, medio):
    etapas = ["difusion", "inscripcion", "capacitacion"]
    cadena = [
        servicio("A", "UDEL", ["emprendedores"], etapas[:2]),
        servicio("B", "UDEL", ["emprendedores"], etapas),
        servicio("C", "OMIL", ["emprendedores"], etapas[1:]),  # one stage only in common with A
    ]
    [fusion] = evaluar(motor, medio, cadena)["fusiones"]
    assert fusion["servicios"] == ["A", "B", "C"]
    assert fusion["etapas"] == ["difusion", "inscripcion", "capacitacion"]


def test_una_etapa_comun_como_la_difusion_de_una_feria_no_hace_grupo(motor, medio):
    etapas = ["difusion", "inscripcion", "diagnostico"]
    servicios = [
        servicio("Yo Emprendo", "DIDECO", ["emprendedores"], etapas, origen="fosis"),
        servicio("Capital Semilla", "UDEL", ["emprendedores"], etapas, origen="sercotec"),
        servicio("Feria", "UDEL", ["emprendedores"], ["difusion", "comercializacion"]),
    ]
    [propuesta] = evaluar(motor, medio, servicios)["fusiones"]
    assert propuesta["servicios"] == ["Yo Emprendo", "Capital Semilla"]
    # with one shared stage enough, the fair joins the group
    uno = motor_con(motor, parametros={"min_etapas_grupo": 1})
    [propuesta] = evaluar(uno, medio, servicios)["fusiones"]
    assert propuesta["servicios"] == ["Yo Emprendo", "Capital Semilla", "Feria"]


def test_programas_centrales_de_instituciones_distintas_se_coordinan(motor, medio):
    etapas = ["difusion", "diagnostico", "asistencia_tecnica"]
    servicios = [
        servicio("PRODESAL", "UDEL", ["pequenos_agricultores"], etapas, origen="indap"),
        servicio("Yo Emprendo", "DIDECO", ["pequenos_agricultores"], etapas, origen="fosis"),
    ]
    [propuesta] = evaluar(motor, medio, servicios)["fusiones"]
    assert (propuesta["tipo"], propuesta["regla"]) == ("coordinacion", "coordinacion-de-etapas")
    assert propuesta["origenes"] == ["indap", "fosis"]
    assert propuesta["texto"] == (
        "Coordinar las etapas de difusión, diagnóstico y asistencia técnica que PRODESAL y "
        "Yo Emprendo (de origen INDAP y FOSIS) realizan por separado para pequeños "
        "agricultores, en UDEL y DIDECO."
    )
    # with difusión and inscripción, the coordination is an entry door
    con_inscripcion = [{**s, "etapas": ["difusion", "inscripcion", *etapas[1:]]} for s in servicios]
    [propuesta] = evaluar(motor, medio, con_inscripcion)["fusiones"]
    assert propuesta["regla"] == "coordinacion-puerta-de-entrada"
    assert propuesta["texto"].startswith("Puerta de entrada común para pequeños agricultores:")


def test_programas_de_una_sola_institucion_se_fusionan_con_ella(motor, medio):
    etapas = ["difusion", "inscripcion", "asistencia_tecnica"]
    servicios = [
        servicio("PRODESAL", "UDEL", ["pequenos_agricultores"], etapas, origen="indap"),
        servicio("PDTI", "UDEL", ["pequenos_agricultores"], etapas, origen="indap"),
    ]
    [fusion] = evaluar(motor, medio, servicios)["fusiones"]
    assert fusion["regla"] == "fusion-de-programas-de-una-institucion"
    assert "programas de INDAP que el municipio opera por separado (UDEL)" in fusion["texto"]


def test_con_procesos_en_bajo_solo_se_registran_las_etapas_duplicadas(motor, peor):
    resultado = evaluar(motor, {**peor, "O01": "unidad_propia", "O04": "parcial"}, INVENTARIO)
    assert resultado["areas"]["procesos"]["nivel_vigente"] == "bajo"
    assert resultado["fusiones"] == []
    assert "producto-fusion-o-coordinacion" not in {p["regla"] for p in resultado["productos"]}
    assert "ajuste-coordinar-fusion-entre-unidades" not in ajustes(resultado)
    [insumo] = resultado["insumos"]
    assert insumo["texto"] == (
        "Etapas duplicadas detectadas: difusión, capacitación y financiamiento, que A y B "
        "realizan por separado para emprendedores."
    )
    assert (insumo["area"], insumo["regla"]) == ("procesos", "etapas-duplicadas-para-el-taller")


def test_cuantas_etapas_hacen_una_fusion_es_un_parametro(motor, medio):
    otro = motor_con(motor, parametros={"min_etapas_fusion": 4})
    [propuesta] = evaluar(otro, medio, INVENTARIO)["fusiones"]
    assert (propuesta["tipo"], propuesta["regla"]) == (
        "coordinacion",
        "coordinacion-de-pocas-etapas",
    )


def test_un_servicio_puede_estar_en_dos_grupos_de_clientes(motor, medio):
    etapas = ["difusion", "inscripcion", "financiamiento"]
    servicios = [
        servicio("Fondo", "UDEL", ["emprendedores", "pequenos_agricultores"], etapas),
        servicio("Capital Semilla", "UDEL", ["emprendedores"], etapas, origen="sercotec"),
        servicio("PRODESAL", "UDEL", ["pequenos_agricultores"], etapas, origen="indap"),
    ]
    propuestas = evaluar(motor, medio, servicios)["fusiones"]
    assert [(p["servicios"], p["clientes"]) for p in propuestas] == [
        (["Fondo", "Capital Semilla"], ["emprendedores"]),
        (["Fondo", "PRODESAL"], ["pequenos_agricultores"]),
    ]


# --- gaps in the estrategia–servicios pair ------------------------------------------


def test_vacios_del_par_estrategia_servicios_alimentan_los_productos(motor, peor):
    respuestas = {**peor, "E02": "pladeco_explicitos", "E09": ["entorno", "desarrollo_capacidades"]}
    servicios = [
        servicio("Capacitación", "UDEL", ["emprendedores"], ["capacitacion"]),  # default area
        servicio("Feria", "UDEL", ["artesanos"], ["comercializacion"], "oportunidades_negocio"),
    ]
    resultado = evaluar(motor, respuestas, servicios)
    vacios = {(v["tipo"], v["area_proceso"], v["servicio"]) for v in resultado["vacios"]}
    # fortalecimiento institucional has no service either, but the strategy does not ask for it
    assert vacios == {
        ("area_sin_servicios", "entorno", None),
        ("servicio_sin_lineamiento", "oportunidades_negocio", "Feria"),
    }
    productos = {p["regla"]: p for p in resultado["productos"] if p["area"] == "productos"}
    # entorno is asked for by the strategy and has no service; fortalecimiento is not asked
    assert "«Gestión de entorno»" in productos["producto-atraer-servicios-area"]["texto"]
    assert "Fortalecimiento" not in productos["producto-atraer-servicios-area"]["texto"]
    assert "«Feria»" in productos["producto-alinear-servicio"]["texto"]
    assert productos["producto-alinear-servicio"]["nivel"] == "bajo"


def test_con_no_se_no_hay_vacios(motor, peor):
    """Without knowing what the strategy asks for, nothing is a gap."""
    respuestas = {**peor, "E02": "pladeco_explicitos", "E09": "no_sabe"}
    servicios = [servicio("Feria", "UDEL", ["artesanos"], ["comercializacion"], "entorno")]
    assert evaluar(motor, respuestas, servicios)["vacios"] == []


def test_en_nivel_alto_los_vacios_no_piden_productos(motor, mejor):
    respuestas = {**mejor, "E09": ["entorno"]}
    resultado = evaluar(motor, respuestas, INVENTARIO[:1])
    assert resultado["areas"]["productos"]["nivel"] == "alto"
    assert resultado["vacios"] == []  # alto: only the strengths are identified
    assert [p["regla"] for p in resultado["productos"] if p["area"] == "productos"] == [
        "producto-generico:productos-alto"
    ]


def test_un_area_de_proceso_desconocida_se_rechaza(motor, peor):
    with pytest.raises(ErrorDiagnostico) as error:
        evaluar(motor, peor, [servicio("A", "UDEL", ["artesanos"], ["difusion"], "entrono")])
    assert str(error.value) == (
        "r.yaml: servicios[1].area_proceso: «entrono» no es un área de proceso conocida"
        " ¿Quiso decir «entorno»?"
    )


# --- structure adjustments --------------------------------------------------------------


def ajustes(resultado):
    return {a["regla"]: a for a in resultado["ajustes_estructura"]}


def test_sin_unidad_se_propone_crearla(motor, peor):
    resultado = evaluar(motor, {**peor, "O01": "no_existe"}, INVENTARIO[:1])
    assert resultado["areas"]["estructura"]["nivel"] == "bajo"
    ajuste = ajustes(resultado)["ajuste-crear-unidad"]
    assert "Crear una oficina de fomento productivo" in ajuste["texto"]
    assert any(h.startswith("O01 ") and "No existe" in h for h in ajuste["fundamento"])
    assert "ajuste-equipo-sin-unidad" not in ajustes(resultado)


def test_los_ajustes_siguen_el_nivel_validado_por_la_mesa(motor, peor):
    validacion = {"estructura": {"nivel": "medio", "justificacion": "Se creó un comité."}}
    resultado = evaluar(motor, {**peor, "O01": "no_existe"}, INVENTARIO[:1], validacion=validacion)
    area = resultado["areas"]["estructura"]
    assert area["nivel"] == "bajo"
    assert area["validado"] == {
        "nivel": "medio",
        "justificacion": "Se creó un comité.",
        "diagnosticado": None,  # a validation without its record is taken as in force
        "fecha": None,
        "huella": None,
    }
    assert "ajuste-crear-unidad" not in ajustes(resultado)
    assert "equipo de trabajo" in ajustes(resultado)["ajuste-equipo-sin-unidad"]["texto"]
    productos = [p for p in resultado["productos"] if p["area"] == "estructura"]
    assert productos and all(p["nivel"] == "medio" for p in productos)
    assert resultado["horas"]["por_area"]["estructura"] == 5 * len(productos)  # producto medio


@pytest.mark.parametrize(
    ("cambio", "regla", "pregunta"),
    [
        ({"O04": "parcial"}, "ajuste-definir-funciones", "O04"),
        ({"O03": "agregacion"}, "ajuste-ordenar-dentro-de-otra-direccion", "O03"),
        ({"O03": "mixta"}, "ajuste-ordenar-dentro-de-otra-direccion", "O03"),
        ({"O01": "unidad_propia", "O03": "agregacion"}, "ajuste-reorganizar-unidad", "O03"),
        ({"O07": 5}, "ajuste-repartir-funciones", "O07"),
        ({"O06": 1}, "ajuste-respaldo-equipo-pequeno", "O06"),
    ],
)
def test_ajustes_desde_las_respuestas_de_estructura(motor, peor, cambio, regla, pregunta):
    base = {**peor, "O01": "dentro_de_otra", "O02": "dideco", "O05": ["informal"]}
    base.update({"O03": "segmentacion_estrategica", "O04": "si", "O06": 4, "O07": 1})
    sin = evaluar(motor, base, INVENTARIO[:1])
    assert sin["areas"]["estructura"]["nivel"] != "alto"
    assert regla not in ajustes(sin)
    con = evaluar(motor, {**base, **cambio}, INVENTARIO[:1])
    assert any(h.startswith(pregunta + " ") for h in ajustes(con)[regla]["fundamento"])


def test_instancia_de_coordinacion_entre_unidades(motor, peor):
    servicios = [INVENTARIO[0], INVENTARIO[3]]  # UDEL and OMIL
    medio = {**peor, "O01": "unidad_propia", "O04": "parcial"}
    sin_instancia = ajustes(evaluar(motor, {**medio, "O05": ["informal"]}, servicios))
    assert "entre UDEL y OMIL" in sin_instancia["ajuste-instancia-coordinacion"]["texto"]
    con_instancia = {**medio, "O05": ["instancia_con_unidades"]}
    assert "ajuste-instancia-coordinacion" not in ajustes(evaluar(motor, con_instancia, servicios))
    una_unidad = [INVENTARIO[0]]
    assert "ajuste-instancia-coordinacion" not in ajustes(
        evaluar(motor, {**medio, "O05": ["informal"]}, una_unidad)
    )


def test_en_nivel_bajo_los_ajustes_no_repiten_la_nueva_estructura(motor, peor):
    """Bajo: the product defines functions and coordination; only the unit is created."""
    servicios = [INVENTARIO[0], INVENTARIO[3]]
    resultado = evaluar(motor, {**peor, "O01": "no_existe"}, servicios)
    assert list(ajustes(resultado)) == ["ajuste-crear-unidad"]


def test_un_grupo_entre_unidades_pide_un_responsable_uno_por_grupo(motor, medio):
    estructura_media = {**medio, "O01": "unidad_propia", "O04": "parcial", "O05": ["informal"]}
    resultado = evaluar(motor, estructura_media, INVENTARIO)
    assert resultado["areas"]["estructura"]["nivel_vigente"] == "medio"
    coordinacion = [a for a in resultado["ajustes_estructura"] if a["asunto"] == "coordinacion"]
    # the group's responsible, and the forum among all the units (OMIL has no group)
    assert [(a["regla"], a["servicios"]) for a in coordinacion] == [
        ("ajuste-coordinar-fusion-entre-unidades", ["A", "B"]),
        ("ajuste-instancia-coordinacion", []),
    ]
    assert coordinacion[0]["texto"] == (
        "Designar entre UDEL y DIDECO un responsable común de las etapas que comparten A y B, "
        "según la propuesta de procesos."
    )
    assert "entre UDEL, DIDECO y OMIL" in coordinacion[1]["texto"]
    misma_unidad = [{**s, "unidad": "UDEL"} for s in INVENTARIO]
    sin_grupo = ajustes(evaluar(motor, estructura_media, misma_unidad))
    assert "ajuste-coordinar-fusion-entre-unidades" not in sin_grupo


UN_AJUSTE_POR_ASUNTO = """reglas:
  - id: ajuste-oficina-comunal
    descripcion: Sin unidad, una oficina comunal con presupuesto propio.
    fuente: "§6.2.4 d"
    prioridad: -1
    si:
      - respuesta: {pregunta: O01, valor: no_existe}
      - nivel_vigente: {area: estructura, nivel: bajo}
    entonces:
      - ajuste_estructura:
          asunto: unidad
          texto: Crear una oficina comunal de fomento con presupuesto propio.
  - id: ajuste-sin-asunto
    descripcion: Un ajuste escrito antes de los asuntos.
    fuente: "§6.2.4 d"
    si:
      - respuesta: {pregunta: O01, valor: no_existe}
    entonces:
      - ajuste_estructura: {texto: Revisar la dotación.}
"""


def test_de_cada_asunto_se_propone_un_solo_ajuste_el_de_mayor_prioridad(motor, peor):
    otro = motor_con(motor, UN_AJUSTE_POR_ASUNTO)
    resultado = evaluar(otro, {**peor, "O01": "no_existe"}, INVENTARIO[:1])
    # both rules conclude the unit; the one of higher priority (-1 > -10) is the one proposed
    assert [(a["regla"], a["asunto"]) for a in resultado["ajustes_estructura"]] == [
        ("ajuste-oficina-comunal", "unidad"),
        ("ajuste-sin-asunto", ""),
    ]
    assert "ajuste-crear-unidad" not in ajustes(resultado)


def test_en_nivel_alto_de_estructura_no_hay_ajustes_por_los_grupos(motor, mejor):
    resultado = evaluar(motor, mejor, INVENTARIO)
    assert resultado["areas"]["estructura"]["nivel"] == "alto"
    assert [f["servicios"] for f in resultado["fusiones"]] == [["A", "B"]]
    assert ajustes(resultado) == {}


# --- hours ----------------------------------------------------------------------------

FIJAS = {
    "Taller inicial de sensibilización": 4,
    "Validación con la mesa comunal": 4,
    "Sesión comunal tras el taller territorial de Estrategia": 3,
    "Sesión comunal tras el taller territorial de Estructura y Procesos": 3,
    "Sesión comunal tras el taller territorial de Gestión de Entorno": 3,
}


def sin_modificadores(respuestas):
    """The answers without the transversal conditions that add hours."""
    base = {k: v for k, v in respuestas.items() if k != "T07"}
    return {**base, "T03": "suficiente", "T04": "no"}


def test_horas_por_producto_y_actividades_fijas(motor, mejor, peor):
    fuerte = evaluar(motor, sin_modificadores(mejor), INVENTARIO[:1])
    assert fuerte["horas"]["por_area"] == dict.fromkeys(AREAS, 4)  # one taller de fortalezas
    assert fuerte["horas"]["otras"] == FIJAS
    assert fuerte["horas"]["total"] == 16 + 17
    debil = evaluar(
        motor, {**sin_modificadores(peor), "O06": 3, "T01": 3, "T02": 3}, INVENTARIO[:1]
    )
    horas = debil["horas"]
    for area in AREAS:
        productos = [p for p in debil["productos"] if p["area"] == area]
        assert productos and all(p["nivel"] == "bajo" for p in productos)
        assert horas["por_area"][area] == 6 * len(productos)  # horas_producto_bajo each
    assert horas["total"] == sum(linea["horas"] for linea in horas["detalle"])
    assert horas["total"] == sum(horas["por_area"].values()) + 17
    par = "Definición del par cliente–producto. Definición de elementos de base para los sistemas de medición y registro de información."
    linea = next(x for x in horas["detalle"] if x["concepto"] == par)
    assert linea == {
        "area": "procesos",
        "concepto": par,
        "horas": 6,
        "regla": "horas-producto-bajo",
        "parametro": "horas_producto_bajo",
        "paso": "estructura_procesos",
    }


@pytest.mark.parametrize(
    "escasez",
    [{"O06": 1}, {"T03": "escaso"}, {"O06": 1, "T03": "escaso"}],
    ids=["equipo-de-una-persona", "mesa-con-poco-tiempo", "ambos"],
)
def test_un_equipo_escaso_recibe_un_plan_por_etapas_no_mas_horas(motor, peor, escasez):
    capaz = evaluar(motor, {**sin_modificadores(peor), "O06": 3}, INVENTARIO[:1])
    escaso = evaluar(motor, {**sin_modificadores(peor), "O06": 3, **escasez}, INVENTARIO[:1])
    assert capaz["plan_por_etapas"] == []
    assert escaso["horas"]["total"] == capaz["horas"]["total"]
    motivos = {
        "O06": "el equipo de fomento productivo es muy pequeño",
        "T03": "los funcionarios de la mesa comunal tienen poco tiempo para el proceso",
    }
    assert sorted(escaso["plan_por_etapas"]) == sorted(motivos[k] for k in escasez)
    segunda = [p for p in escaso["productos"] if p["etapa"] == 2]
    primera = [p for p in escaso["productos"] if p["etapa"] == 1]
    assert {p["regla"] for p in segunda} >= {
        "producto-objetivos-indicadores-procesos",
        "producto-plan-gestion-entorno",
    }
    assert {p["regla"].split(":")[0] for p in primera} >= {
        "producto-generico",
        "producto-mision-vision",
        "producto-procesos-estrategicos",
    }
    textos_segunda = {p["texto"] for p in segunda}
    assert not any(set(p["requiere"]) & textos_segunda for p in primera)
    lineas_segunda = [x for x in escaso["horas"]["detalle"] if x["paso"] == "segunda_etapa"]
    assert {x["concepto"] for x in lineas_segunda} == textos_segunda
    assert escaso["horas"]["por_paso"]["segunda_etapa"] == sum(x["horas"] for x in lineas_segunda)
    assert capaz["horas"]["por_paso"]["segunda_etapa"] == 0


@pytest.mark.parametrize(
    ("cambio", "regla", "concepto"),
    [
        ({"T01": 1}, "horas-alcalde-poco-involucrado", "Sesiones de involucramiento del alcalde"),
        (
            {"T02": 2},
            "horas-directivos-poco-involucrados",
            "Sesiones de involucramiento de los directivos",
        ),
        ({"T04": "si"}, "horas-cambio-administracion", "Reinducción por cambio de administración"),
        (
            {"T07": "Falta incluir el programa de turismo."},
            "horas-observaciones-mesa",
            "Revisión de las observaciones de la mesa comunal",
        ),
    ],
)
def test_modificadores_transversales(motor, mejor, cambio, regla, concepto):
    base = sin_modificadores(mejor)
    sin = evaluar(motor, base, INVENTARIO[:1])["horas"]
    con = evaluar(motor, {**base, **cambio}, INVENTARIO[:1])["horas"]
    assert concepto not in sin["otras"]
    assert con["otras"][concepto] > 0
    assert con["total"] == sin["total"] + con["otras"][concepto]
    linea = next(x for x in con["detalle"] if x["regla"] == regla)
    assert linea["area"] is None
    assert linea["parametro"].startswith("horas_")


def test_las_horas_son_datos_que_el_consultor_calibra(motor, peor):
    otro = motor_con(motor, parametros={"horas_producto_bajo": 33})
    resultado_ = evaluar(otro, peor, INVENTARIO[:1])
    n = sum(1 for p in resultado_["productos"] if p["area"] == "estrategia")
    assert resultado_["horas"]["por_area"]["estrategia"] == 33 * n


def test_un_parametro_definido_dos_veces_se_rechaza(tmp_path):
    _, conocimiento = copiar_carpetas(tmp_path)
    with (conocimiento / "horas.yaml").open("a", encoding="utf-8") as f:
        f.write("  umbral_alto:\n    valor: 0.9\n    descripcion: repetido\n")
    linea = len((conocimiento / "horas.yaml").read_text(encoding="utf-8").splitlines()) - 2
    with pytest.raises(ErrorDiagnostico) as error:
        cargar_conocimiento(conocimiento)
    assert f"horas.yaml:{linea}:" in str(error.value)
    assert "parámetro «umbral_alto» repetido; ya está en" in str(error.value)


def test_la_validacion_de_la_mesa_ajusta_las_horas_y_la_traza_lo_muestra(ejemplos):
    resultado = como_json(ejemplos["canete"])
    estructura = resultado["areas"]["estructura"]
    assert (estructura["nivel"], estructura["nivel_vigente"]) == ("medio", "bajo")
    productos = [p for p in resultado["productos"] if p["area"] == "estructura"]
    assert productos and all(p["nivel"] == "bajo" for p in productos)  # bajo, not medio
    assert resultado["horas"]["por_area"]["estructura"] == 6 * len(productos)
    override = next(p for p in resultado["traza"] if p["regla"] == "vigente-validado-por-mesa")
    assert "La mesa comunal validó estructura en nivel bajo" in " ".join(override["hechos"])


# --- the examples, explanation and reports ------------------------------------------------


def test_los_ejemplos_muestran_la_propuesta_completa(ejemplos):
    resultados = {nombre: como_json(e) for nombre, e in ejemplos.items()}
    propuestas = [f for r in resultados.values() for f in r["fusiones"]]
    assert propuestas
    # one origin (municipal, or one institution): fusion; several: coordination
    assert all((f["tipo"] == "fusion") == (len(f["origenes"]) == 1) for f in propuestas)
    assert resultados["cobquecura"]["areas"]["procesos"]["nivel_vigente"] == "bajo"
    assert resultados["cobquecura"]["fusiones"] == []
    assert resultados["cobquecura"]["insumos"][0]["texto"].startswith("Etapas duplicadas")
    assert all(resultados[n]["ajustes_estructura"] for n in ("cobquecura", "yumbel", "canete"))
    debil, fuerte = resultados["cobquecura"]["horas"], resultados["penco"]["horas"]
    assert debil["total"] > fuerte["total"]
    assert sum(debil["por_area"].values()) > sum(fuerte["por_area"].values())


def test_explicar_explica_cada_parte_de_la_propuesta(motor, ejemplos):
    out = explicacion(ejemplos["yumbel"], motor.reglas, motor.conocimiento)
    propuesta = out.split("## Propuesta de intervención", 1)[1]
    for titulo, regla in [
        ("### Fusiones de procesos y coordinación de etapas", "`coordinacion-de-etapas`"),
        ("### Vacíos en el par estrategia–servicios", "`vacio-servicio-sin-lineamiento`"),
        ("### Ajustes de estructura", "`ajuste-coordinar-fusion-entre-unidades`"),
        ("### Horas de acompañamiento", "`horas-producto-medio`"),
    ]:
        assert titulo in propuesta
        assert regla in propuesta
    assert "rules/fusiones.yaml:" in propuesta
    assert (
        "«Fondo municipal de emprendimiento» y «Capital Semilla» (UDEL y DIDECO; origen "
        "municipal y SERCOTEC) repiten 2 etapas (difusión y financiamiento) para emprendedores"
    ) in propuesta
    assert "(parámetro horas_producto_medio)" in propuesta
    assert "Total: 87 h" in propuesta


def test_los_informes_muestran_la_propuesta_y_escapan_nombres(motor, peor):
    ataque = "<script>alert(1)</script>"
    servicios = [{**INVENTARIO[0], "nombre": ataque}, INVENTARIO[1]]
    evaluacion = evaluar_datos(motor, sin_modificadores(peor), servicios=servicios)
    html = informe(evaluacion, motor.reglas, motor.conocimiento, "html")
    assert ataque not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    for texto in ("Propuesta de intervención", "Ajuste de estructura:", "horas_producto_bajo"):
        assert texto in html
    md = informe(evaluacion, motor.reglas, motor.conocimiento, "md")
    assert "**1. Validación con la mesa comunal — 4 h**" in md
    assert (
        "- Insumo para el taller: Etapas duplicadas detectadas: difusión, capacitación y "
        "financiamiento, "
        "que \\<script\\>alert(1)\\</script\\> y B realizan por separado"
    ) in md


# --- a validation knows what it validated (issue 27) --------------------------------


def _validada(motor, respuestas, nivel, diagnosticado):
    from diagnostico_experto.conocimiento.respuestas import huella_area

    huella = huella_area("estructura", respuestas, motor.conocimiento)
    return {
        "estructura": {
            "nivel": nivel,
            "justificacion": "La unidad de fomento tiene funciones escritas.",
            "diagnosticado": diagnosticado,
            "fecha": "2026-12-01",
            "huella": huella,
        }
    }


def test_una_validacion_sobre_las_mismas_respuestas_rige(motor, peor):
    respuestas = {**peor, "O01": "no_existe"}
    validacion = _validada(motor, respuestas, "medio", "bajo")
    area = evaluar(motor, respuestas, INVENTARIO[:1], validacion=validacion)["areas"]["estructura"]
    assert (area["nivel"], area["nivel_vigente"], area["estado_validacion"]) == (
        "bajo",
        "medio",
        "validada",
    )
    assert area["validado"]["diagnosticado"] == "bajo"
    assert area["validado"]["fecha"] == "2026-12-01"


def test_una_validacion_anterior_a_cambios_en_las_respuestas_no_rige(motor, peor):
    antes = {**peor, "O01": "no_existe"}
    validacion = _validada(motor, antes, "medio", "bajo")
    resultado = evaluar(
        motor, {**antes, "O01": "dentro_de_otra"}, INVENTARIO[:1], validacion=validacion
    )
    area = resultado["areas"]["estructura"]
    # the stale level does not override: the diagnosis is what is worked on
    assert area["validado"] is None
    assert area["estado_validacion"] == "vencida"
    assert area["nivel_vigente"] == area["nivel"]
    assert area["validacion_vencida"]["nivel"] == "medio"
    assert (
        f"Estructura: validación anterior a cambios en las respuestas: revalidar (la mesa "
        f"comunal la validó en nivel medio sobre un diagnóstico bajo; hoy el diagnóstico es "
        f"{area['nivel']})." in resultado["advertencias"]
    )


def test_otro_diagnostico_con_las_mismas_respuestas_tambien_vence(motor, peor):
    """Rules or knowledge changed since: the recorded diagnosis no longer holds."""
    respuestas = {**peor, "O01": "no_existe"}
    validacion = _validada(motor, respuestas, "medio", "alto")  # validated against «alto»
    area = evaluar(motor, respuestas, INVENTARIO[:1], validacion=validacion)["areas"]["estructura"]
    assert area["estado_validacion"] == "vencida"
    assert area["nivel_vigente"] == "bajo"
    assert "ajuste-crear-unidad" in ajustes(
        evaluar(motor, respuestas, INVENTARIO[:1], validacion=validacion)
    )


def test_lo_principal_nombra_el_unico_grupo_sin_por_ejemplo(motor, medio):
    evaluacion = evaluar_datos(motor, sin_modificadores(medio), servicios=INVENTARIO)
    md = informe(evaluacion, motor.reglas, motor.conocimiento, "md")
    assert (
        "Un grupo de servicios repite etapas para los mismos clientes: Fusionar los procesos "
        "de A y B"
    ) in md
    assert "por ejemplo: Fusionar" not in md


def test_lo_respondido_no_se_retiene_los_productos_que_lo_presuponen(motor, peor):
    """Indicators for processes that may not be identified wait: no product, no hours."""
    conocido = evaluar(motor, {**sin_modificadores(peor), "O06": 3}, INVENTARIO[:1])
    no_se = evaluar(motor, {**sin_modificadores(peor), "O06": 3, "P01": "no_sabe"}, INVENTARIO[:1])
    regla = "producto-objetivos-indicadores-procesos"
    assert regla in {p["regla"] for p in conocido["productos"]}
    assert regla not in {p["regla"] for p in no_se["productos"]}
    retenido = next(x for x in no_se["retenidos"] if x["producto"]["regla"] == regla)
    assert retenido["elementos"] == ["procesos estratégicos"]
    texto = retenido["producto"]["texto"]
    assert texto not in {linea["concepto"] for linea in no_se["horas"]["detalle"]}
    assert no_se["areas"]["procesos"]["provisional"] is True


@pytest.mark.parametrize("observaciones, horas", [("", 0), ("  ", 0), ("Revisar la OMIL.", 1)])
def test_observaciones_en_blanco_no_piden_horas_de_revision(motor, tmp_path, observaciones, horas):
    # The questionnaire saves «T07: ''» when the mesa skips the observations: nothing to review.
    ruta = escribir_yaml(
        tmp_path / "r.yaml",
        {"comuna": "Ninhue", "respuestas": {"E01": "vigentes", "T07": observaciones}},
    )
    resultado = motor.evaluar(cargar_respuestas(ruta, motor.conocimiento)).resultado
    revision = [h for h in resultado.horas.detalle if h.regla == "horas-observaciones-mesa"]
    assert len(revision) == horas


def test_una_validacion_vencida_sobre_el_mismo_nivel_dice_que_cambiaron_respuestas(motor, peor):
    """«validó en medio sobre un diagnóstico bajo; hoy el diagnóstico es bajo» read as a
    contradiction: when the level is the same, what changed is answers of the area."""
    antes = {**peor, "O01": "no_existe"}
    validacion = _validada(motor, antes, "medio", "bajo")
    resultado = evaluar(
        motor, {**antes, "O06": antes["O06"] + 1}, INVENTARIO[:1], validacion=validacion
    )
    assert resultado["areas"]["estructura"]["nivel"] == "bajo"
    assert (
        "Estructura: validación anterior a cambios en las respuestas: revalidar (la mesa "
        "comunal la validó en nivel medio sobre el mismo diagnóstico bajo; después cambiaron "
        "respuestas del área)." in resultado["advertencias"]
    )
