"""Reports of one comuna: Markdown, self-contained HTML, DOCX, JSON, and the explanation.

Templates are jinja2 files in ``plantillas/`` (the DOCX template lives in the
knowledge folder, for consultants to edit in Word). HTML is autoescaped and
every value printed in Markdown is escaped (the environment's ``finalize``),
so text that comes from answer files can never become markup.
"""

from __future__ import annotations

import functools
import json
import re
import types
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from pydantic import BaseModel

from diagnostico_experto.comun.cache import CacheDePlantillas
from diagnostico_experto.conocimiento.carpeta import Conocimiento
from diagnostico_experto.informes import formato
from diagnostico_experto.informes.documento import documento
from diagnostico_experto.informes.graficos import BANDAS, PALETA
from diagnostico_experto.motor.explicacion import PROPUESTA, explicar, explicar_propuesta
from diagnostico_experto.motor.motor import Evaluacion
from diagnostico_experto.reglas.regla import Regla, lista_legible

FORMATOS = ("md", "html", "docx", "json")


def _barra(valor: float | None, ancho: int = 20) -> str:
    """A text bar for Markdown: the chart of the four areas where no picture fits."""
    lleno = round((valor or 0) * ancho)
    return "█" * lleno + "░" * (ancho - lleno)


class _Crudo(str):
    """Markdown the template itself built (a macro whose values were already escaped)."""


def _finalizar_md(valor: object) -> object:
    if isinstance(valor, _Crudo):
        return valor
    return "" if valor is None else formato.md(valor)


@functools.cache
def _entorno(html: bool, cache: Path | None) -> Environment:
    """The environment of a format, once per process and shared cache folder (None: none)."""
    entorno = Environment(
        loader=PackageLoader("diagnostico_experto.informes", "plantillas"),
        autoescape=html,
        finalize=None if html else _finalizar_md,
        undefined=StrictUndefined,
        trim_blocks=False,
        keep_trailing_newline=True,
        bytecode_cache=CacheDePlantillas(cache) if cache is not None else None,
    )
    formato.en_plantillas(entorno)
    entorno.globals.update(barra=_barra, paleta=PALETA, bandas=BANDAS)
    entorno.filters["crudo"] = _Crudo
    # escapes once; finalize lets the result through (templates that still say «| md»)
    entorno.filters["md"] = lambda valor: _Crudo(formato.md(valor))
    return entorno


def entorno_html(cache: Path | None = None) -> Environment:
    """The autoescaping environment, for other HTML pages (the batch index)."""
    return _entorno(True, cache)


def entorno(formato: str, cache: Path | None = None) -> Environment:
    """The environment of a format ("md" or "html"), for other reports; ``cache``: the
    shared cache's folder, for the compiled templates (None: none)."""
    return _entorno({"md": False, "html": True}[formato], cache)


def _contexto(evaluacion: Evaluacion, reglas: list[Regla], conocimiento: Conocimiento) -> dict:
    respuestas = evaluacion.respuestas
    d = documento(evaluacion, conocimiento)
    return {
        "d": d,
        "r": evaluacion.resultado,
        "r_mesa": respuestas.mesa,
        "archivo": respuestas.archivo,
        "observaciones": d.observaciones,
        "nombres": {a: d.nombre for a, d in conocimiento.cuestionario.areas.items()},
        "talleres": {
            "sensibilizacion": conocimiento.informe.paso("sensibilizacion").titulo,
            **{t.id: f"Taller de {t.nombre}" for t in conocimiento.talleres if t.id},
        },
        "lugares": {r.id: r.lugar() for r in reglas},
        "parametros": conocimiento.valores_parametros(),
        "supuestos": lista_legible(
            f"«{a.nombre}»" for a in conocimiento.catalogo.areas_proceso if a.supuesto
        ),
    }


def como_json(resultado: BaseModel) -> str:
    """The result as ``json.dumps(..., ensure_ascii=False, indent=2)`` writes it.

    pydantic's own serializer writes the same bytes several times faster (a
    large inventory's trace is tens of megabytes), except for numbers that
    Python writes in exponent notation (1e-05) or not at all (inf): with any
    such number the standard library writes it, as before.
    """
    if all(_decimal_llano(n) for n in _numeros(resultado)):
        return resultado.model_dump_json(indent=2) + "\n"
    return json.dumps(resultado.model_dump(mode="json"), ensure_ascii=False, indent=2) + "\n"


def _numeros(valor: object) -> Iterator[float]:
    """Every float in a model, however deep (fields that cannot hold one are not walked:
    the trace, a few hundred lines of text, is most of a result)."""
    if isinstance(valor, float):
        yield valor
    elif isinstance(valor, BaseModel):
        for campo in _campos_con_numeros(type(valor)):
            yield from _numeros(getattr(valor, campo))
    elif isinstance(valor, (list, tuple)):
        for elemento in valor:
            if not isinstance(elemento, str):
                yield from _numeros(elemento)
    elif isinstance(valor, dict):
        for elemento in valor.values():
            yield from _numeros(elemento)


@functools.cache
def _campos_con_numeros(modelo: type[BaseModel]) -> tuple[str, ...]:
    return tuple(
        nombre
        for nombre, campo in modelo.model_fields.items()
        if _puede_ser_float(campo.annotation)
    )


_SIN_FLOAT = (str, int, bool, type(None))  # a validated int or bool is never a float


def _puede_ser_float(tipo: Any) -> bool:
    """Whether a value of this annotation may be, or hold, a float (unknown: yes)."""
    if isinstance(tipo, type) and issubclass(tipo, BaseModel):
        return bool(_campos_con_numeros(tipo))
    if tipo in _SIN_FLOAT:
        return False
    argumentos = typing.get_args(tipo)
    if argumentos and typing.get_origin(tipo) in (list, tuple, dict, types.UnionType, typing.Union):
        return any(_puede_ser_float(a) for a in argumentos if a is not Ellipsis)
    return True


def _decimal_llano(numero: float) -> bool:
    """Python's repr and pydantic agree: no exponent below 1e16, none from 1e-4 up."""
    return numero == 0 or 1e-4 <= abs(numero) < 1e16


def informe(
    evaluacion: Evaluacion,
    reglas: list[Regla],
    conocimiento: Conocimiento,
    formato: str,
    indice: str | None = None,
    anexo: bool = False,
    cache: Path | None = None,
) -> str | bytes:
    """The report in one format; ``indice`` links back to the batch's index page.

    DOCX comes back as bytes; ``anexo`` adds the rule trace to it and to
    Markdown (the HTML report always has it, folded, and prints it only
    unfolded). ``cache``:
    the shared cache's folder, for the compiled templates (None: none).
    """
    return informes(evaluacion, reglas, conocimiento, (formato,), indice, anexo, cache)[formato]


def informes(
    evaluacion: Evaluacion,
    reglas: list[Regla],
    conocimiento: Conocimiento,
    formatos: tuple[str, ...],
    indice: str | None = None,
    anexo: bool = False,
    cache: Path | None = None,
) -> dict[str, str | bytes]:
    """The report in several formats, from one reading of the result (a batch writes four)."""
    contexto = None if formatos == ("json",) else _contexto(evaluacion, reglas, conocimiento)
    return {
        formato: _informe(evaluacion, contexto, conocimiento, formato, indice, anexo, cache)
        for formato in formatos
    }


def _informe(
    evaluacion: Evaluacion,
    contexto: dict | None,
    conocimiento: Conocimiento,
    formato: str,
    indice: str | None,
    anexo: bool,
    cache: Path | None,
) -> str | bytes:
    if formato == "json":
        return como_json(evaluacion.resultado)
    assert contexto is not None
    if formato == "docx":
        from diagnostico_experto.informes.docx import informe_docx

        return informe_docx(
            contexto["d"], conocimiento, anexo=anexo, lugares=contexto["lugares"], cache=cache
        )
    plantilla = entorno(formato, cache).get_template(f"informe.{formato}.j2")
    return plantilla.render(indice=indice, anexo=anexo, **contexto)


def explicacion(
    evaluacion: Evaluacion,
    reglas: list[Regla],
    conocimiento: Conocimiento,
    cache: Path | None = None,
) -> str:
    explicaciones = explicar(evaluacion, reglas, conocimiento)
    propuesta = explicar_propuesta(evaluacion)
    explicados = {id(p) for e in explicaciones for p in e.pasos}
    explicados |= {id(p) for pasos in propuesta.values() for p in pasos}
    otros = [p for p in evaluacion.resultado.traza if id(p) not in explicados]
    plantilla = entorno("md", cache).get_template("explicacion.md.j2")
    texto = plantilla.render(
        explicaciones=explicaciones,
        propuesta=propuesta,
        titulos=PROPUESTA,
        otros=otros,
        **_contexto(evaluacion, reglas, conocimiento),
    )
    return re.sub(r"\n{3,}", "\n\n", texto)
