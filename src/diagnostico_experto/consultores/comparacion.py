"""`reglas comparar`: which comunas a rule change would change, and how.

Each comuna is evaluated with the base rule set and with the current one, and
the two JSON results are compared whole (all but the trace, which names every
firing and would always differ when a rule is added). The comparison is
generic: a key added to the result later is compared without touching this
module. Identical rule sets report no change.

- a value that differs is reported with its place in the JSON result
  (``areas.estructura.nivel``) and both values;
- lists are compared as collections (order does not matter): what was added
  and what was removed; items that are mappings with a ``texto`` or
  ``concepto`` are paired by it and compared field by field.

Scripts get those places (``como_json``, a contract); a consultant reads them in
words (``como_markdown``): by area, with Chilean numbers, a rule by what it says
and a question by its text (``Nombres``). A key added later reads by its name.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Literal

from diagnostico_experto.comun import formato_chileno
from diagnostico_experto.comun.formato_chileno import palabra, plural
from diagnostico_experto.conocimiento.preguntas import AREAS
from diagnostico_experto.lote.entradas import Entrada
from diagnostico_experto.lote.evaluacion import respuestas_de
from diagnostico_experto.motor.motor import Motor
from diagnostico_experto.motor.resultado import Resultado

IGNORADOS = frozenset({"traza", "procedencia"})  # keys left out: the trace, what produced it
_IDENTIDAD = ("texto", "concepto")  # the key that names an item of a list, when it has one

TipoDiferencia = Literal["cambia", "agregado", "quitado"]


@dataclass
class Diferencia:
    """One difference, at a place of the JSON result written as in the result."""

    campo: str  # e.g. "areas.estructura.nivel", "horas.otras", "productos"
    cambio: TipoDiferencia
    antes: Any = None
    despues: Any = None
    # the area of the list item it is about (a line of hours): for the Markdown view only
    area: str | None = field(default=None, compare=False)


@dataclass
class Cambio:
    comuna: str
    origen: str
    diferencias: list[Diferencia] = field(default_factory=list)

    def hay(self) -> bool:
        return bool(self.diferencias)


def diferencia(origen: str, antes: Resultado, despues: Resultado) -> Cambio:
    """Everything that differs between two results of one comuna, trace aside."""
    cambio = Cambio(despues.comuna, origen)
    _comparar(
        antes.model_dump(mode="json", exclude=set(IGNORADOS)),
        despues.model_dump(mode="json", exclude=set(IGNORADOS)),
        "",
        cambio.diferencias,
    )
    return cambio


def _comparar(
    antes: Any, despues: Any, campo: str, salida: list[Diferencia], area: str | None = None
) -> None:
    if isinstance(antes, dict) and isinstance(despues, dict):
        for clave in [*antes, *(k for k in despues if k not in antes)]:
            sub = f"{campo}.{clave}" if campo else str(clave)
            if clave not in despues:
                salida.append(Diferencia(sub, "quitado", antes=antes[clave], area=area))
            elif clave not in antes:
                salida.append(Diferencia(sub, "agregado", despues=despues[clave], area=area))
            else:
                _comparar(antes[clave], despues[clave], sub, salida, area)
    elif isinstance(antes, list) and isinstance(despues, list):
        _comparar_listas(antes, despues, campo, salida, area)
    elif not _iguales(antes, despues):
        salida.append(Diferencia(campo, "cambia", antes, despues, area))


def _comparar_listas(
    antes: list, despues: list, campo: str, salida: list[Diferencia], area: str | None = None
) -> None:
    """Lists as collections: items paired by their name when they have one, else by value."""
    por_nombre_antes = _por_nombre(antes)
    por_nombre_despues = _por_nombre(despues)
    if por_nombre_antes is not None and por_nombre_despues is not None:
        for nombre, a in por_nombre_antes.items():
            if nombre in por_nombre_despues:
                suya = a.get("area") if isinstance(a.get("area"), str) else area
                _comparar(a, por_nombre_despues[nombre], f"{campo}[{nombre}]", salida, suya)
        antes = [a for n, a in por_nombre_antes.items() if n not in por_nombre_despues]
        despues = [d for n, d in por_nombre_despues.items() if n not in por_nombre_antes]
    quitados = Counter(map(_clave, antes)) - Counter(map(_clave, despues))
    agregados = Counter(map(_clave, despues)) - Counter(map(_clave, antes))
    for a in antes:
        if quitados[_clave(a)] > 0:
            quitados[_clave(a)] -= 1
            salida.append(Diferencia(campo, "quitado", antes=a, area=area))
    for d in despues:
        if agregados[_clave(d)] > 0:
            agregados[_clave(d)] -= 1
            salida.append(Diferencia(campo, "agregado", despues=d, area=area))


def _por_nombre(lista: list) -> dict[str, Any] | None:
    """Items keyed by their ``texto`` (or ``concepto``) when all have one and it is unique."""
    if not lista or not all(isinstance(x, dict) for x in lista):
        return None
    for clave in _IDENTIDAD:
        nombres = [x.get(clave) for x in lista]
        if all(isinstance(n, str) for n in nombres) and len(set(nombres)) == len(nombres):
            return dict(zip(nombres, lista, strict=True))
    return None


def _clave(valor: Any) -> str:
    return json.dumps(valor, sort_keys=True, ensure_ascii=False)


def _iguales(a: Any, b: Any) -> bool:
    if _es_numero(a) and _es_numero(b):
        return math.isclose(a, b, rel_tol=0, abs_tol=1e-9)
    return bool(a == b)


def _es_numero(valor: Any) -> bool:
    return isinstance(valor, int | float) and not isinstance(valor, bool)


def comparar(entradas: list[Entrada], base: Motor, actual: Motor) -> list[Cambio]:
    cambios = []
    for entrada in entradas:
        antes = base.evaluar(respuestas_de(entrada, base)).resultado
        despues = actual.evaluar(respuestas_de(entrada, actual)).resultado
        cambios.append(diferencia(entrada.origen, antes, despues))
    return cambios


def como_json(cambios: list[Cambio]) -> dict[str, Any]:
    """The comparison for scripts (docs/contratos.md): places as paths of the JSON result."""
    cambian = [c for c in cambios if c.hay()]
    return {
        "comunas": len(cambios),
        "cambian": len(cambian),
        "cambios": [
            {
                "comuna": c.comuna,
                "origen": c.origen,
                "diferencias": [
                    {"campo": d.campo, "cambio": d.cambio, "antes": d.antes, "despues": d.despues}
                    for d in c.diferencias
                ],
            }
            for c in cambian
        ],
    }


@dataclass(frozen=True)
class Nombres:
    """What a consultant reads instead of ids: areas, plan steps, questions and rules
    by their names (from the knowledge and from both rule sets)."""

    areas: dict[str, str] = field(default_factory=dict)
    pasos: dict[str, str] = field(default_factory=dict)
    preguntas: dict[str, str] = field(default_factory=dict)
    reglas: dict[str, str] = field(default_factory=dict)

    @classmethod
    def de(cls, *motores: Motor) -> Nombres:
        conocimiento = motores[-1].conocimiento
        return cls(
            areas={a: n.nombre for a, n in conocimiento.cuestionario.areas.items()},
            pasos={p.id: p.titulo for p in conocimiento.informe.pasos},
            preguntas={p.id: p.texto for p in conocimiento.cuestionario.preguntas},
            reglas={r.id: r.descripcion for m in motores for r in m.reglas},
        )


def como_markdown(
    cambios: list[Cambio], base: str, actual: str, nombres: Nombres | None = None
) -> str:
    """The comparison a consultant reads: per comuna, what changes in each area, then in
    the whole plan; places and values in words and Chilean numbers, never JSON paths."""
    nombres = nombres or Nombres()
    cambian = [c for c in cambios if c.hay()]
    lineas = [
        "# Comparación de reglas",
        "",
        f"Base: `{base}` · actuales: `{actual}`.",
        f"**{plural(len(cambios), 'comuna evaluada', 'comunas evaluadas')}: "
        f"{len(cambian)} {palabra(len(cambian), 'cambia', 'cambian')}, "
        f"{len(cambios) - len(cambian)} sin cambios.**",
    ]
    for c in cambian:
        lineas += ["", f"## {c.comuna}"]
        for titulo, suyas in _por_seccion(c.diferencias, nombres):
            lineas += ["", f"### {titulo}", ""]
            lineas += [f"- {texto}" for texto in _Lectura(nombres).lineas(suyas)]
    return "\n".join(lineas) + "\n"


# --- how a difference reads -------------------------------------------------------------

PLAN = "Plan de trabajo y horas"
OTROS = "Fusiones, vacíos y otros"


def _por_seccion(
    diferencias: list[Diferencia], nombres: Nombres
) -> list[tuple[str, list[Diferencia]]]:
    """Differences grouped by area (in the method's order), then the plan, then the rest."""
    secciones: dict[str, list[Diferencia]] = {}
    for d in diferencias:
        area = _area(d)
        if area is not None:
            titulo = nombres.areas.get(area, area.capitalize())
        elif d.campo.startswith("horas"):
            titulo = PLAN
        else:
            titulo = OTROS
        secciones.setdefault(titulo, []).append(d)
    orden = [nombres.areas.get(a, a.capitalize()) for a in AREAS] + [PLAN, OTROS]
    return sorted(secciones.items(), key=lambda s: orden.index(s[0]) if s[0] in orden else 0)


def _area(d: Diferencia) -> str | None:
    """The area a difference belongs to: by its place, or by the item it is about."""
    partes = _partes(d.campo)
    if partes[0] == "areas" and len(partes) > 1:
        return partes[1]
    if d.campo.startswith("horas.por_area.") and len(partes) == 3:
        return partes[2]
    if partes[0].startswith("ajustes_estructura"):
        return "estructura"
    if d.area in AREAS:
        return d.area
    item = d.despues if d.cambio == "agregado" else d.antes
    if isinstance(item, dict) and item.get("area") in AREAS:
        return str(item["area"])
    return None


_CAMPOS = {  # keys of the result, as a consultant calls them
    "nivel": "Nivel",
    "nivel_vigente": "Nivel vigente",
    "puntaje": "% de logro",
    "regla": "Regla que lo decide",
    "validado": "Validación de la mesa comunal",
    "validacion_vencida": "Validación vencida",
    "estado_validacion": "Estado de la validación",
    "completo": "Respuestas completas",
    "respondidas": "Preguntas respondidas",
    "desconocidas": "Respuestas «no sé»",
    "provisional": "Provisional",
    "para_confirmar": "Por confirmar",
    "confirmar_con_evidencia": "Pregunta por confirmar con evidencia",
    "lectura": "Lectura del nivel",
    "motivo": "Motivo del nivel",
    "productos": "Producto",
    "fusiones": "Fusión",
    "vacios": "Vacío",
    "ajustes_estructura": "Ajuste de estructura",
    "advertencias": "Advertencia",
    "insumos": "Insumo",
    "detalle": "Línea de horas",
    "por_area": "Horas",
    "por_paso": "Horas del paso",
    "otras": "Horas de otras actividades",
    "total": "Horas en total",
    "horas": "Horas",
    "taller": "Taller",
    "etapa": "Etapa",
    "requiere": "Requiere",
    "presupone": "Presupone",
    "preguntas": "Preguntas",
    "paso": "Paso del plan",
    "parametro": "Parámetro",
    "plan_por_etapas": "Plan por etapas",
    "evidencia": "Evidencia",
    "elementos": "Elemento",
    "retenidos": "Retenido",
}
_HORAS = {"horas", "por_area", "por_paso", "otras", "total"}
_FEMENINOS = {"fusiones", "advertencias", "preguntas", "confirmar_con_evidencia", "detalle"}
_ID = re.compile(r"\[(.*)\]$", re.S)


def _partes(campo: str) -> list[str]:
    """A place's keys: «horas.detalle[Plan de … servicios.].horas» → three (a name in
    brackets may hold dots)."""
    partes, actual, dentro = [], "", 0
    for caracter in campo:
        if caracter == "." and not dentro:
            partes.append(actual)
            actual = ""
            continue
        dentro += (caracter == "[") - (caracter == "]" and dentro > 0)
        actual += caracter
    return [*partes, actual]


@dataclass
class _Lectura:
    """One difference as one line of Markdown."""

    nombres: Nombres

    def lineas(self, diferencias: list[Diferencia]) -> list[str]:
        """A section's lines; lines of hours that change alike (a parameter moved) go in one."""
        textos: list[str] = []
        iguales: dict[tuple[str, str], list[str]] = {}  # (antes, después) -> their concepts
        for d in diferencias:
            linea = _linea_de_horas(d)
            if linea is None:
                textos.append(self.linea(d))
                continue
            clave = (formato_chileno.horas(d.antes), formato_chileno.horas(d.despues))
            if clave not in iguales:
                iguales[clave] = []
                textos.append(f"\0{len(iguales) - 1}")  # where the group goes
            iguales[clave].append(linea)
        grupos = list(iguales.items())
        for i, texto in enumerate(textos):
            if texto.startswith("\0"):
                (antes, despues), conceptos = grupos[int(texto[1:])]
                cuales = "; ".join(f"«{_corto(c)}»" for c in conceptos)
                textos[i] = (
                    f"Horas de {cuales}: {antes} → {despues}"
                    if len(conceptos) == 1
                    else f"Horas de {len(conceptos)} líneas del plan, {antes} → {despues} cada "
                    f"una: {cuales}"
                )
        return textos

    def linea(self, d: Diferencia) -> str:
        lugar, clave = self._lugar(d.campo)
        if d.cambio == "cambia":
            return f"{lugar}: {self._valor(clave, d.antes)} → {self._valor(clave, d.despues)}"
        valor = d.despues if d.cambio == "agregado" else d.antes
        femenino = clave in _FEMENINOS
        hecho = (
            ("agregada" if femenino else "agregado")
            if d.cambio == "agregado"
            else ("quitada" if femenino else "quitado")
        )
        return f"{lugar} {hecho}: {self._valor(clave, valor)}"

    def _lugar(self, campo: str) -> tuple[str, str]:
        """The place in words, and the key whose values it holds."""
        partes = _partes(campo)
        if partes[0] == "areas" and len(partes) > 2:
            partes = partes[2:]  # the area is the section's title
        elif partes[0] == "horas" and len(partes) == 3 and partes[1] in ("por_area", "por_paso"):
            if partes[1] == "por_area":
                return "Horas del área", "horas"
            return f"Horas del paso «{self.nombres.pasos.get(partes[2], partes[2])}»", "horas"
        elif partes[0] == "horas" and len(partes) > 1:
            partes = partes[1:]
            linea = _ID.search(partes[0])
            if partes[0].startswith("detalle[") and linea and partes[1:] == ["horas"]:
                return f"Horas de «{_corto(linea.group(1))}»", "horas"
        palabras = []
        for parte in partes:
            nombre = _ID.search(parte)
            clave = _ID.sub("", parte)
            texto = _CAMPOS.get(clave, clave.replace("_", " ").capitalize())
            palabras.append(f"{texto} «{_corto(nombre.group(1))}»" if nombre else texto)
        texto = ": ".join(palabras[:1] + [p[:1].lower() + p[1:] for p in palabras[1:]])
        return texto or campo, _ID.sub("", partes[-1])

    def _valor(self, clave: str, valor: Any) -> str:
        if valor is None:
            return "—"
        if isinstance(valor, bool):
            return "sí" if valor else "no"
        if _es_numero(valor):
            if clave in _HORAS:
                return formato_chileno.horas(valor)
            if clave == "puntaje":
                return formato_chileno.porcentaje(valor)
            return formato_chileno.numero(valor, 2)
        if isinstance(valor, str):
            if clave == "regla":
                return f"«{self.nombres.reglas.get(valor, valor)}»"
            if clave in ("confirmar_con_evidencia", "preguntas"):
                return f"«{self.nombres.preguntas.get(valor, valor)}»"
            if clave in ("paso", "taller"):
                return f"«{self.nombres.pasos.get(valor, valor)}»"
            return valor
        if isinstance(valor, dict):
            for identidad in _IDENTIDAD:
                if isinstance(valor.get(identidad), str):
                    texto = valor[identidad]
                    if _es_numero(valor.get("horas")):
                        texto += f" ({formato_chileno.horas(valor['horas'])})"
                    return texto
            return "; ".join(
                f"{_CAMPOS.get(k, k.replace('_', ' '))}: {self._valor(k, v)}"
                for k, v in valor.items()
                if v not in (None, "", [], {})
            )
        if isinstance(valor, list):
            return ", ".join(self._valor(clave, v) for v in valor) or "(ninguno)"
        return str(valor)


def _linea_de_horas(d: Diferencia) -> str | None:
    """The concept of a line of hours whose hours changed, or None for anything else."""
    partes = _partes(d.campo)
    nombre = _ID.search(partes[1]) if len(partes) == 3 else None
    if (
        d.cambio == "cambia"
        and partes[0] == "horas"
        and partes[1].startswith("detalle[")
        and partes[2] == "horas"
        and nombre
        and _es_numero(d.antes)
        and _es_numero(d.despues)
    ):
        return nombre.group(1)
    return None


def _corto(texto: str, maximo: int = 70) -> str:
    return texto if len(texto) <= maximo else texto[: maximo - 1].rstrip() + "…"
