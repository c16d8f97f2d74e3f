"""`reglas comparar`: which comunas a rule change would change, and how.

Each comuna is evaluated with the base rule set and with the current one; the
levels per area, products, fusions, structure adjustments and hours are
compared. Identical rule sets report no change.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from diagnostico_experto.conocimiento.preguntas import AREAS
from diagnostico_experto.lote.evaluacion import Entrada, respuestas_de
from diagnostico_experto.motor.motor import Motor
from diagnostico_experto.motor.resultado import Resultado


@dataclass
class Cambio:
    comuna: str
    origen: str
    niveles: dict[str, list[str]] = field(default_factory=dict)  # area -> [antes, después]
    productos: dict[str, list[str]] = field(default_factory=dict)  # agregados / quitados
    fusiones: dict[str, list[str]] = field(default_factory=dict)
    ajustes: dict[str, list[str]] = field(default_factory=dict)
    horas: dict[str, list[float]] = field(default_factory=dict)  # total or area -> [antes, después]

    def hay(self) -> bool:
        return any((self.niveles, self.productos, self.fusiones, self.ajustes, self.horas))


def _conjuntos(antes: set[str], despues: set[str]) -> dict[str, list[str]]:
    cambios = {"agregados": sorted(despues - antes), "quitados": sorted(antes - despues)}
    return {k: v for k, v in cambios.items() if v}


def diferencia(origen: str, antes: Resultado, despues: Resultado) -> Cambio:
    cambio = Cambio(despues.comuna, origen)
    for area in AREAS:
        a, d = antes.areas[area], despues.areas[area]
        if (a.nivel, a.nivel_vigente) != (d.nivel, d.nivel_vigente):
            viejo = (
                a.nivel if a.nivel == a.nivel_vigente else f"{a.nivel} (vigente {a.nivel_vigente})"
            )
            nuevo = (
                d.nivel if d.nivel == d.nivel_vigente else f"{d.nivel} (vigente {d.nivel_vigente})"
            )
            cambio.niveles[area] = [viejo, nuevo]
    cambio.productos = _conjuntos(
        {f"[{p.area}] {p.texto}" for p in antes.productos},
        {f"[{p.area}] {p.texto}" for p in despues.productos},
    )
    cambio.fusiones = _conjuntos(
        {f.texto for f in antes.fusiones}, {f.texto for f in despues.fusiones}
    )
    cambio.ajustes = _conjuntos(
        {a.texto for a in antes.ajustes_estructura}, {a.texto for a in despues.ajustes_estructura}
    )
    horas = {"total": (antes.horas.total, despues.horas.total)}
    horas |= {a: (antes.horas.por_area[a], despues.horas.por_area[a]) for a in AREAS}
    horas["otras"] = (sum(antes.horas.otras.values()), sum(despues.horas.otras.values()))
    cambio.horas = {k: [a, d] for k, (a, d) in horas.items() if abs(a - d) > 1e-9}
    return cambio


def comparar(entradas: list[Entrada], base: Motor, actual: Motor) -> list[Cambio]:
    cambios = []
    for entrada in entradas:
        antes = base.evaluar(respuestas_de(entrada, base)).resultado
        despues = actual.evaluar(respuestas_de(entrada, actual)).resultado
        cambios.append(diferencia(entrada.origen, antes, despues))
    return cambios


def como_json(cambios: list[Cambio]) -> dict[str, Any]:
    cambian = [c for c in cambios if c.hay()]
    return {
        "comunas": len(cambios),
        "cambian": len(cambian),
        "cambios": [asdict(c) for c in cambian],
    }


def como_markdown(cambios: list[Cambio], base: str, actual: str) -> str:
    cambian = [c for c in cambios if c.hay()]
    lineas = [
        "# Comparación de reglas",
        "",
        f"Base: `{base}` · actuales: `{actual}`.",
        f"**{len(cambios)} comunas evaluadas: {len(cambian)} cambian, "
        f"{len(cambios) - len(cambian)} sin cambios.**",
    ]
    for c in cambian:
        lineas += ["", f"## {c.comuna}", ""]
        lineas += [
            f"- Nivel de {a}: {antes} → {despues}" for a, (antes, despues) in c.niveles.items()
        ]
        for titulo, grupo in (
            ("Producto", c.productos),
            ("Fusión", c.fusiones),
            ("Ajuste", c.ajustes),
        ):
            lineas += [f"- {titulo} agregado: {x}" for x in grupo.get("agregados", [])]
            lineas += [f"- {titulo} quitado: {x}" for x in grupo.get("quitados", [])]
        lineas += [f"- Horas ({k}): {a:g} → {d:g}" for k, (a, d) in c.horas.items()]
    return "\n".join(lineas) + "\n"
