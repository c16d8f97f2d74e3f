"""Valid synthetic answers generated from the questionnaire, for benchmarks and examples.

``datos_sinteticos`` writes the data of an answer file: each question gets an
option whose points match a target quality per area (0 weak, 1 strong), with
noise; skip logic is respected; services come from a pool per territory.

Run as a script, it writes the illustrative example of every comuna that has
none yet in knowledge/ejemplos (the four hand-written ones are kept):

    uv run python -m benchmarks.sinteticas ejemplos
"""

from __future__ import annotations

import random
import sys
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from slugify import slugify

from diagnostico_experto.conocimiento.carpeta import Conocimiento, cargar_conocimiento
from diagnostico_experto.conocimiento.preguntas import AREAS, Pregunta

RAIZ = Path(__file__).resolve().parent.parent
# (name, origin, clients, stages, process area) per territory: what a programme would see
_PRODESAL = (
    "PRODESAL",
    "indap",
    ["pequenos_agricultores"],
    ["difusion", "inscripcion", "diagnostico", "asistencia_tecnica", "seguimiento"],
    "desarrollo_capacidades",
)
_OMIL = (
    "OMIL",
    "sence",
    ["buscadores_empleo"],
    ["inscripcion", "capacitacion"],
    "desarrollo_capacidades",
)
_FOSIS = (
    "FOSIS Emprendimiento",
    "fosis",
    ["emprendedores"],
    ["difusion", "inscripcion", "capacitacion", "financiamiento"],
    "desarrollo_capacidades",
)
_FONDO = (
    "Fondo concursable municipal",
    "municipal",
    ["emprendedores", "pequenos_agricultores"],
    ["difusion", "inscripcion", "financiamiento"],
    "desarrollo_capacidades",
)
_PESCA = (
    "Programa de pesca artesanal",
    "otro_central",
    ["pescadores_artesanales"],
    ["diagnostico", "capacitacion", "asistencia_tecnica"],
    "desarrollo_capacidades",
)
_TURISMO = (
    "Turismo rural",
    "sernatur",
    ["turismo", "artesanos"],
    ["difusion", "capacitacion", "comercializacion"],
    "oportunidades_negocio",
)
_FERIA = (
    "Feria campesina",
    "municipal",
    ["pequenos_agricultores", "artesanos"],
    ["inscripcion", "comercializacion"],
    "oportunidades_negocio",
)
_CENTRO = (
    "Centro de negocios",
    "sercotec",
    ["microempresas"],
    ["diagnostico", "asistencia_tecnica", "seguimiento"],
    "desarrollo_capacidades",
)
_SEMILLA = (
    "Capital Semilla",
    "sercotec",
    ["emprendedores", "microempresas"],
    ["difusion", "capacitacion", "financiamiento"],
    "desarrollo_capacidades",
)
_PDTI = (
    "PDTI",
    "indap",
    ["pequenos_agricultores"],
    ["difusion", "diagnostico", "asistencia_tecnica", "financiamiento", "seguimiento"],
    "desarrollo_capacidades",
)
_FORESTAL = (
    "Programa forestal de pequeños propietarios",
    "corfo",
    ["pequenos_agricultores"],
    ["diagnostico", "asistencia_tecnica"],
    "desarrollo_capacidades",
)
_MESA = (
    "Mesa público-privada de desarrollo",
    "municipal",
    ["organizaciones_productivas"],
    ["difusion", "seguimiento"],
    "entorno",
)
_CATASTRO = (
    "Catastro y observatorio económico comunal",
    "municipal",
    ["microempresas", "organizaciones_productivas"],
    ["diagnostico", "seguimiento"],
    "fortalecimiento_institucional",
)

SERVICIOS_POR_UGT = {
    "Secano Costero": [_PRODESAL, _PESCA, _TURISMO, _OMIL, _FONDO, _FERIA],
    "Laja Diguillín": [_PRODESAL, _CENTRO, _SEMILLA, _OMIL, _FERIA, _MESA],
    "Secano Interior (AMDEL)": [_PRODESAL, _FOSIS, _OMIL, _FORESTAL, _FONDO, _CATASTRO],
    "Arauco": [_PDTI, _PESCA, _TURISMO, _OMIL, _FOSIS, _MESA],
}
UNIDADES = ["UDEL", "DIDECO", "Oficina de Fomento"]


def _elegir_por_calidad(pregunta: Pregunta, calidad: float, azar: random.Random) -> Any:
    valores = sorted(pregunta.valores(), key=lambda v: pregunta.puntos(v) or 0)
    objetivo = min(max(calidad + azar.gauss(0, 0.2), 0), 1)
    return valores[round(objetivo * (len(valores) - 1))]


def _respuesta(pregunta: Pregunta, calidad: float, azar: random.Random) -> Any:
    if pregunta.no_sabe and azar.random() < 0.04:
        return "no_sabe"
    if pregunta.tipo == "texto":
        return "Observación ilustrativa de la mesa comunal."
    if pregunta.tipo == "numero":
        tramos = sorted(pregunta.tramos, key=lambda t: t.puntos)
        if not tramos:
            return azar.randint(0, 6)
        tramo = tramos[round(min(max(calidad + azar.gauss(0, 0.2), 0), 1) * (len(tramos) - 1))]
        return int(tramo.desde) + (
            1 if tramo.hasta is None or tramo.hasta - tramo.desde >= 1 else 0
        )
    if pregunta.tipo == "opcion_multiple":
        libres = [o.valor for o in pregunta.opciones if not o.exclusiva]
        exclusivas = [o.valor for o in pregunta.opciones if o.exclusiva]
        cuantas = round(min(max(calidad + azar.gauss(0, 0.25), 0), 1) * len(libres))
        if cuantas == 0:
            return exclusivas[:1] or libres[:1]
        return sorted(azar.sample(libres, cuantas), key=libres.index)
    return _elegir_por_calidad(pregunta, calidad, azar)


def datos_sinteticos(
    conocimiento: Conocimiento,
    azar: random.Random,
    comuna: str,
    calidad: dict[str, float] | None = None,
) -> dict[str, Any]:
    """The data of one valid answer file for ``comuna``."""
    calidad = calidad or {a: azar.random() for a in (*AREAS, "transversal")}
    respuestas: dict[str, Any] = {}
    for pregunta in conocimiento.cuestionario.preguntas:
        if conocimiento.cuestionario.aplica(pregunta, respuestas):
            respuestas[pregunta.id] = _respuesta(pregunta, calidad.get(pregunta.area, 0.5), azar)
    ugt = conocimiento.ugt_de(comuna)
    todos = {s[0]: s for lista in SERVICIOS_POR_UGT.values() for s in lista}  # other territories
    pool = SERVICIOS_POR_UGT.get(ugt) or list(todos.values())
    servicios = []
    for nombre, origen, clientes, etapas, area in azar.sample(
        pool, azar.randint(2, min(5, len(pool)))
    ):
        unidad = "OMIL" if origen == "sence" else azar.choice(UNIDADES)
        servicios.append(
            {
                "nombre": nombre,
                "unidad": unidad,
                "origen": origen,
                "clientes": clientes,
                "etapas": etapas,
                "area_proceso": area,
            }
        )
    datos = {
        "ilustrativo": True,
        "comuna": comuna,
        "fecha": "2026-11-20",
        "respuestas": respuestas,
        "servicios": servicios,
        "mesa": [
            {"nombre": f"Integrante {k} (ilustrativo)", "cargo": cargo, "unidad": unidad}
            for k, (cargo, unidad) in enumerate(
                [
                    ("Encargado de fomento", "UDEL"),
                    ("Profesional", "DIDECO"),
                    ("Profesional", "SECPLAN"),
                ][: azar.randint(2, 3)],
                1,
            )
        ],
    }
    datos["respuestas"] = _contar_servicios(conocimiento, respuestas, len(servicios), calidad, azar)
    return datos


def _contar_servicios(
    conocimiento: Conocimiento,
    respuestas: dict[str, Any],
    servicios: int,
    calidad: dict[str, float],
    azar: random.Random,
) -> dict[str, Any]:
    """The answer that counts the services (S01) is the inventory's count, as a mesa
    would give it. It was drawn with the others all the same, so every other answer keeps
    its random draw; the questions that only apply with services are drawn last."""
    cuestionario = conocimiento.cuestionario
    for pregunta in cuestionario.preguntas:
        if pregunta.id in respuestas and getattr(pregunta, "cuenta", None) == "servicios":
            respuestas[pregunta.id] = servicios
    for pregunta in cuestionario.preguntas:
        if pregunta.id not in respuestas and cuestionario.aplica(pregunta, respuestas):
            respuestas[pregunta.id] = _respuesta(pregunta, calidad.get(pregunta.area, 0.5), azar)
    return {p.id: respuestas[p.id] for p in cuestionario.preguntas if p.id in respuestas}


# Target quality per area (estrategia, estructura, procesos, productos) for each comuna
# without a hand-written example: mostly weak and middling, a few strong areas.
PERFILES = {
    "Coelemu": (0.3, 0.4, 0.2, 0.3),
    "Ninhue": (0.1, 0.2, 0.1, 0.2),
    "Portezuelo": (0.2, 0.1, 0.2, 0.1),
    "Quillón": (0.6, 0.5, 0.4, 0.6),
    "Quirihue": (0.4, 0.5, 0.3, 0.4),
    "Ránquil": (0.2, 0.3, 0.2, 0.1),
    "San Nicolás": (0.5, 0.6, 0.5, 0.4),
    "Trehuaco": (0.1, 0.1, 0.2, 0.2),
    "Bulnes": (0.7, 0.6, 0.5, 0.6),
    "Chillán Viejo": (0.9, 0.8, 0.7, 0.8),
    "El Carmen": (0.3, 0.2, 0.3, 0.4),
    "Pinto": (0.5, 0.4, 0.4, 0.9),
    "Pemuco": (0.2, 0.3, 0.1, 0.3),
    "San Ignacio": (0.4, 0.4, 0.5, 0.3),
    "Cabrero": (0.6, 0.7, 0.6, 0.5),
    "Hualqui": (0.4, 0.3, 0.3, 0.5),
    "Nacimiento": (0.8, 0.6, 0.7, 0.6),
    "Santa Juana": (0.2, 0.3, 0.2, 0.2),
    "San Rosendo": (0.1, 0.2, 0.1, 0.1),
    "Arauco": (0.6, 0.9, 0.6, 0.5),
    "Contulmo": (0.2, 0.2, 0.3, 0.3),
    "Curanilahue": (0.5, 0.4, 0.4, 0.4),
    "Los Álamos": (0.3, 0.3, 0.2, 0.4),
    "Lebu": (0.5, 0.5, 0.6, 0.5),
    "Tirúa": (0.1, 0.1, 0.1, 0.2),
}
CABECERA = """# RESPUESTAS ILUSTRATIVAS. No son datos reales de la comuna: la fuente no
# publica las respuestas de ninguna comuna. Generadas con benchmarks/sinteticas.py
# (perfil {perfil}) para mostrar el sistema en un programa completo.
"""


def escribir_ejemplos(conocimiento: Conocimiento, carpeta: Path) -> list[Path]:
    escritos = []
    existentes = {
        YAML(typ="safe").load(p.read_text(encoding="utf-8"))["comuna"]
        for p in carpeta.glob("*.yaml")
    }
    for comuna in conocimiento.comunas():
        if comuna in existentes or comuna not in PERFILES:
            continue
        azar = random.Random(f"ilustrativo-{comuna}")
        perfil = dict(zip(AREAS, PERFILES[comuna], strict=True))
        perfil["transversal"] = sum(PERFILES[comuna]) / 4
        datos = datos_sinteticos(conocimiento, azar, comuna, perfil)
        if comuna in ("Quirihue", "Hualqui"):  # two mesas that adjusted a level
            datos["validacion"] = {
                "estrategia": {
                    "nivel": "bajo",
                    "justificacion": "La mesa considera obsoleto el plan vigente (ilustrativo).",
                }
            }
        ruta = carpeta / f"{slugify(comuna)}.yaml"
        yaml = YAML()
        yaml.indent(mapping=2, sequence=4, offset=2)
        texto = ruta.open("w", encoding="utf-8")
        with texto as f:
            f.write(
                CABECERA.format(
                    perfil=", ".join(
                        f"{a} {q}" for a, q in zip(AREAS, PERFILES[comuna], strict=True)
                    )
                )
            )
            yaml.dump(datos, f)
        escritos.append(ruta)
    return escritos


if __name__ == "__main__":
    if sys.argv[1:] == ["ejemplos"]:
        base = cargar_conocimiento(RAIZ / "knowledge")
        for ruta in escribir_ejemplos(base, RAIZ / "knowledge" / "ejemplos"):
            print(ruta.relative_to(RAIZ))
    else:
        print(__doc__)
