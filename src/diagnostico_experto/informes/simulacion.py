"""A simulation said in Markdown: levels, products and hours before and after a change."""

from __future__ import annotations

from diagnostico_experto.conocimiento.carpeta import Conocimiento
from diagnostico_experto.conocimiento.preguntas import AREAS
from diagnostico_experto.informes.formato import horas, md
from diagnostico_experto.motor.simulacion import Simulacion


def simulacion_md(simulacion: Simulacion, conocimiento: Conocimiento) -> str:
    antes, despues = simulacion.antes, simulacion.despues
    nombres = {a: d.nombre for a, d in conocimiento.cuestionario.areas.items()}
    lineas = [
        f"# Simulación: {md(antes.comuna)}",
        "",
        "Qué pasaría con estos cambios de respuestas. Es una simulación: "
        "el archivo de respuestas no cambia.",
        "",
    ]
    if antes.ilustrativo:
        lineas += ["Respuestas ilustrativas: no son datos reales de la comuna.", ""]
    lineas += ["## Cambios", ""]
    if not simulacion.cambios:
        lineas += ["Ninguno: las respuestas ya eran esas.", ""]
    for c in simulacion.cambios:
        lineas.append(f"- {c.pregunta} ({md(c.texto)}): {md(c.desde)} → {md(c.hacia)}")
    lineas += ["", "## Niveles", "", "| Área | Antes | Después |", "|---|---|---|"]
    for area in AREAS:
        a, d = antes.areas[area].nivel, despues.areas[area].nivel
        marca = f"**{d}**" if a != d else d
        lineas.append(f"| {md(nombres[area])} | {a} | {marca} |")
    lineas += ["", "## Productos", ""]
    previos = {(p.area, p.texto) for p in antes.productos}
    nuevos = {(p.area, p.texto) for p in despues.productos}
    entran = [p for p in despues.productos if (p.area, p.texto) not in previos]
    salen = [p for p in antes.productos if (p.area, p.texto) not in nuevos]
    if not entran and not salen:
        lineas.append("Los mismos productos.")
    for titulo, lista in (("Se agregan", entran), ("Se quitan", salen)):
        if lista:
            lineas += [f"{titulo}:", ""]
            lineas += [f"- {md(nombres[p.area])}: {md(p.texto)}" for p in lista]
            lineas.append("")
    lineas += ["", "## Horas de acompañamiento", "", "| | Antes | Después |", "|---|---|---|"]
    for area in AREAS:
        ha, hd = antes.horas.por_area.get(area, 0.0), despues.horas.por_area.get(area, 0.0)
        lineas.append(f"| {md(nombres[area])} | {horas(ha)} | {_marca(horas(hd), ha != hd)} |")
    for concepto in dict.fromkeys([*antes.horas.otras, *despues.horas.otras]):
        ha, hd = antes.horas.otras.get(concepto, 0.0), despues.horas.otras.get(concepto, 0.0)
        lineas.append(f"| {md(concepto)} | {horas(ha)} | {_marca(horas(hd), ha != hd)} |")
    ta, td = antes.horas.total, despues.horas.total
    lineas.append(f"| **Total** | {horas(ta)} | {_marca(horas(td), ta != td)} |")
    nuevas = [a for a in despues.advertencias if a not in antes.advertencias]
    if nuevas:
        lineas += ["", "## Advertencias después del cambio", ""]
        lineas += [f"- {md(a)}" for a in nuevas]
    return "\n".join(lineas).replace("\n\n\n", "\n\n") + "\n"


def _marca(texto: str, cambia: bool) -> str:
    return f"**{texto}**" if cambia else texto
