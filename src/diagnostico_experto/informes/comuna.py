"""Reports of one comuna: Markdown, self-contained HTML, JSON, and the explanation.

Templates are jinja2 files in ``plantillas/``. HTML is autoescaped, so text
that comes from answer files (justifications, names, observations) can never
become markup.
"""

from __future__ import annotations

import json
import re

from jinja2 import Environment, PackageLoader, StrictUndefined

from diagnostico_experto.conocimiento.carpeta import Conocimiento
from diagnostico_experto.motor.explicacion import PROPUESTA, explicar, explicar_propuesta
from diagnostico_experto.motor.motor import Evaluacion
from diagnostico_experto.reglas.descripciones import porcentaje
from diagnostico_experto.reglas.regla import Regla, lista_legible


def _num(valor: float) -> str:
    return f"{valor:g}"


def _md(texto: object) -> str:
    """Keep answer text from breaking Markdown tables or adding markup."""
    limpio = " ".join(str(texto).split())
    return re.sub(r"([\\`*_\[\]|<>#])", r"\\\1", limpio)


def _entorno(html: bool) -> Environment:
    entorno = Environment(
        loader=PackageLoader("diagnostico_experto.informes", "plantillas"),
        autoescape=html,
        undefined=StrictUndefined,
        trim_blocks=False,
        keep_trailing_newline=True,
    )
    entorno.globals["pct"] = porcentaje
    entorno.globals["num"] = _num
    entorno.filters["md"] = _md
    return entorno


_ENTORNOS = {"md": _entorno(False), "html": _entorno(True)}


def entorno_html() -> Environment:
    """The autoescaping environment, for other HTML pages (the batch index)."""
    return _ENTORNOS["html"]


def entorno(formato: str) -> Environment:
    """The environment of a format ("md" or "html"), for other reports."""
    return _ENTORNOS[formato]


def _contexto(evaluacion: Evaluacion, reglas: list[Regla], conocimiento: Conocimiento) -> dict:
    respuestas = evaluacion.respuestas
    return {
        "r": evaluacion.resultado,
        "r_mesa": respuestas.mesa,
        "archivo": respuestas.archivo,
        "observaciones": respuestas.respuestas.get("T07", ""),
        "nombres": {a: d.nombre for a, d in conocimiento.cuestionario.areas.items()},
        "lugares": {r.id: r.lugar() for r in reglas},
        "parametros": conocimiento.valores_parametros(),
        "supuestos": lista_legible(
            f"«{a.nombre}»" for a in conocimiento.catalogo.areas_proceso if a.supuesto
        ),
    }


def informe(
    evaluacion: Evaluacion, reglas: list[Regla], conocimiento: Conocimiento, formato: str
) -> str:
    if formato == "json":
        return (
            json.dumps(evaluacion.resultado.model_dump(mode="json"), ensure_ascii=False, indent=2)
            + "\n"
        )
    plantilla = _ENTORNOS[formato].get_template(f"informe.{formato}.j2")
    return plantilla.render(**_contexto(evaluacion, reglas, conocimiento))


def explicacion(evaluacion: Evaluacion, reglas: list[Regla], conocimiento: Conocimiento) -> str:
    explicaciones = explicar(evaluacion, reglas, conocimiento)
    propuesta = explicar_propuesta(evaluacion)
    explicados = {id(p) for e in explicaciones for p in e.pasos}
    explicados |= {id(p) for pasos in propuesta.values() for p in pasos}
    otros = [p for p in evaluacion.resultado.traza if id(p) not in explicados]
    plantilla = _ENTORNOS["md"].get_template("explicacion.md.j2")
    texto = plantilla.render(
        explicaciones=explicaciones,
        propuesta=propuesta,
        titulos=PROPUESTA,
        otros=otros,
        **_contexto(evaluacion, reglas, conocimiento),
    )
    return re.sub(r"\n{3,}", "\n\n", texto)
