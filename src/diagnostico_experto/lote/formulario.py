"""The questionnaire as an XLSForm, for ODK Collect, ODK Central and KoboToolbox.

Generated from the same knowledge the terminal reads: each question becomes a
field of its area's group, with its options, help text as the hint, the same
checks (``constraint``) and the same skip logic (``relevant``, written from the
question's ``aplica_si``). The comuna is chosen from ``comunas.yaml`` after its
territory (UGT); the services inventory and the mesa comunal are repeats with
the catalogue's lists. ``a_campos`` and ``de_campos`` turn an answer into the
form's field values and back, so reading an export (``lote/exportacion.py``)
and this form cannot drift apart.

XLSForm: https://xlsform.org/en/ (survey, choices and settings sheets).
"""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import xlsxwriter
from slugify import slugify

from diagnostico_experto.comun.restricciones import ORDEN, Operacion
from diagnostico_experto.conocimiento.carpeta import Conocimiento
from diagnostico_experto.conocimiento.preguntas import (
    AREAS,
    NO_SABE,
    TRANSVERSAL,
    Cuestionario,
    FormaDeRespuesta,
    Pregunta,
)

IDIOMA = "Español (es)"
ID_FORMULARIO = "diagnostico_fomento_productivo"
TITULO = "Diagnóstico organizacional de fomento productivo municipal"
NO_SE = "No sé"

# Fields of the form that are not questions of the questionnaire.
GRUPO_IDENTIFICACION = "identificacion"
CAMPO_UGT = "ugt"
CAMPO_COMUNA = "comuna"
CAMPO_FECHA = "fecha"
REPETICION_SERVICIOS = "servicios"
REPETICION_MESA = "mesa"
CAMPO_ACTA = "acta"  # a photo or file of the mesa's record: the diagnosis' evidence
SUFIJO_EVIDENCIA = "_evidencia"  # E01_evidencia: the file that backs the answer to E01
SUFIJO_SABE = "_sabe"  # a number that admits «no sé» asks first whether the figure is known
SABE = "si"
# Fields of each repeat: (name in the form, key in the answer file).
CAMPOS_SERVICIO = (
    ("servicio_nombre", "nombre"),
    ("servicio_unidad", "unidad"),
    ("servicio_origen", "origen"),
    ("servicio_clientes", "clientes"),
    ("servicio_etapas", "etapas"),
    ("servicio_area_proceso", "area_proceso"),
)
CAMPOS_MESA = (
    ("integrante_nombre", "nombre"),
    ("integrante_cargo", "cargo"),
    ("integrante_unidad", "unidad"),
)
LISTAS_SERVICIO = {
    "servicio_origen": "origenes",
    "servicio_clientes": "clientes",
    "servicio_etapas": "etapas",
    "servicio_area_proceso": "areas_proceso",
}

COLUMNAS_SURVEY = (
    "type",
    "name",
    f"label::{IDIOMA}",
    f"hint::{IDIOMA}",
    "required",
    f"required_message::{IDIOMA}",
    "relevant",
    "constraint",
    f"constraint_message::{IDIOMA}",
    "choice_filter",
    "appearance",
)
COLUMNAS_CHOICES = ("list_name", "name", f"label::{IDIOMA}", CAMPO_UGT)
COLUMNAS_SETTINGS = ("form_title", "form_id", "version", "default_language", "instance_name")


class NoExpresable(ValueError):
    """A question the form cannot ask as the terminal does (``reglas validar`` warns)."""


Fila = dict[str, str]


# --- answers <-> the form's fields ----------------------------------------------------


def _en_dos_pasos(pregunta: Pregunta) -> bool:
    """A typed number that admits «no sé»: the form asks first whether the figure is known."""
    return pregunta.forma == "numero" and pregunta.no_sabe


def _numerica(pregunta: Pregunta) -> bool:
    return pregunta.tipo_de_valor == "numero"


def _texto_de(valor: Any) -> str:
    if isinstance(valor, float) and valor.is_integer():
        return str(int(valor))
    return str(valor)


def a_campos(pregunta: Pregunta, valor: Any) -> dict[str, str]:
    """An answer as the values of the form's fields (a submission's columns)."""
    if _en_dos_pasos(pregunta):
        if valor == NO_SABE:
            return {pregunta.id + SUFIJO_SABE: NO_SABE, pregunta.id: ""}
        return {pregunta.id + SUFIJO_SABE: SABE, pregunta.id: _texto_de(valor)}
    if isinstance(valor, list):
        return {pregunta.id: " ".join(str(v) for v in valor)}
    return {pregunta.id: _texto_de(valor)}


def de_campos(pregunta: Pregunta, campos: dict[str, str]) -> Any:
    """The answer a submission's fields give (None when not answered), before normalising."""
    texto = campos.get(pregunta.id, "").strip()
    sabe = campos.get(pregunta.id + SUFIJO_SABE, "").strip()
    if _en_dos_pasos(pregunta) and sabe == NO_SABE:
        return NO_SABE
    if not texto:
        return None
    if pregunta.forma == "varias_opciones":
        valores = texto.split()
        return NO_SABE if valores == [NO_SABE] else valores
    if _numerica(pregunta) and texto != NO_SABE:
        return pregunta.de_celda(texto)
    return texto


def campos_de(pregunta: Pregunta) -> tuple[str, ...]:
    """The form's fields that hold a question's answer."""
    if _en_dos_pasos(pregunta):
        return (pregunta.id + SUFIJO_SABE, pregunta.id)
    return (pregunta.id,)


# --- skip logic: aplica_si as an XPath ``relevant`` -----------------------------------


def _cadena(valor: str) -> str:
    """An XPath 1.0 string literal (which has no escapes)."""
    if "'" not in valor:
        return f"'{valor}'"
    if '"' not in valor:
        return f'"{valor}"'
    raise NoExpresable(f"el texto «{valor}» tiene comillas simples y dobles")


def _numero(valor: Any) -> str:
    """A number as XPath writes it: no exponent, no trailing «.0»."""
    if isinstance(valor, float) and valor.is_integer():
        return str(int(valor))
    return format(Decimal(repr(valor)), "f") if isinstance(valor, float) else str(valor)


def _literal(base: Pregunta, valor: Any) -> str:
    numerica = _numerica(base)
    if isinstance(valor, bool):
        raise NoExpresable(f"compara {base.id} con verdadero o falso; use «si» o «no»")
    if isinstance(valor, int | float) != numerica and valor != NO_SABE:
        tipo = "un número" if numerica else "un texto"
        raise NoExpresable(f"compara {base.id}, que es {tipo}, con «{valor}»")
    if isinstance(valor, int | float):
        return _numero(valor)
    return _cadena(str(valor))


def _operacion(base: Pregunta, campo: str, op: Operacion) -> str:
    lista = base.forma == "varias_opciones"
    if lista != (op.operador == "contiene"):
        raise NoExpresable(
            f"usa «{op.operador}» sobre {base.id}; en una pregunta de opción múltiple solo "
            "«contiene» se escribe igual en el formulario"
        )
    if op.operador == "contiene":
        return f"selected({campo}, {_cadena(str(op.operando))})"
    if op.operador in ORDEN and not _numerica(base):
        raise NoExpresable(f"compara con «{op.operador}» la pregunta {base.id}, que no es número")
    if op.operador in ("en", "fuera_de"):
        igual, union = ("=", " or ") if op.operador == "en" else ("!=", " and ")
        partes = [f"{campo} {igual} {_literal(base, v)}" for v in op.operando]
        return "(" + union.join(partes) + ")"
    signo = {
        "igual": "=",
        "distinto": "!=",
        "menor_que": "<",
        "mayor_que": ">",
        "al_menos": ">=",
        "a_lo_sumo": "<=",
    }[op.operador]
    return f"{campo} {signo} {_literal(base, op.operando)}"


def relevante(pregunta: Pregunta, cuestionario: Cuestionario) -> str:
    """``aplica_si`` as an XLSForm ``relevant``; empty when the question always applies.

    As in the terminal (``Cuestionario.aplica``), a condition holds only on an
    answer given to a question that applies: unanswered and «no sé» never
    satisfy it, so each earlier question's own condition is part of it.
    """
    partes: list[str] = []
    for condicion in pregunta.aplica_si:
        base = cuestionario.por_id[condicion.pregunta]
        campo = "${" + base.id + "}"
        partes.append(f"{campo} != ''")
        if base.no_sabe and not _en_dos_pasos(base):  # its «no sé» is the _sabe field
            partes.append(f"{campo} != '{NO_SABE}'")
        previa = relevante(base, cuestionario)
        if previa:
            partes.append(f"({previa})")
        partes.extend(_operacion(base, campo, op) for op in condicion.restriccion.operaciones)
    return " and ".join(partes)


def no_expresables(cuestionario: Cuestionario) -> list[tuple[int, str]]:
    """Questions the form cannot ask as the terminal does: (index, why), for ``reglas validar``."""
    hallazgos = []
    for indice, pregunta in enumerate(cuestionario.preguntas):
        try:
            relevante(pregunta, cuestionario)
            for opcion in getattr(pregunta, "opciones", []):
                if opcion.valor != slugify(opcion.valor, separator="_", lowercase=False):
                    raise NoExpresable(f"la opción «{opcion.valor}» no sirve como nombre XML")
        except NoExpresable as exc:
            hallazgos.append(
                (indice, f"la pregunta {pregunta.id} no se puede expresar en XLSForm: {exc}")
            )
    return hallazgos


# --- the form's rows ------------------------------------------------------------------


def _fila(tipo: str, nombre: str, etiqueta: str = "", **otros: str) -> Fila:
    fila = {"type": tipo, "name": nombre, f"label::{IDIOMA}": etiqueta}
    for clave, valor in otros.items():
        columna = {
            "pista": f"hint::{IDIOMA}",
            "requerida": "required",
            "mensaje_requerida": f"required_message::{IDIOMA}",
            "relevante": "relevant",
            "restriccion": "constraint",
            "mensaje_restriccion": f"constraint_message::{IDIOMA}",
            "filtro": "choice_filter",
            "apariencia": "appearance",
        }[clave]
        if valor:
            fila[columna] = valor
    return fila


def _cifra(valor: float) -> str:
    return f"{valor:g}".replace(".", ",")


@dataclass
class _Formulario:
    conocimiento: Conocimiento

    def __post_init__(self) -> None:
        self.survey: list[Fila] = []
        self.choices: list[Fila] = []

    def lista(self, nombre: str, opciones: list[tuple[str, str]], no_sabe: bool = False) -> str:
        for valor, texto in opciones:
            self.choices.append({"list_name": nombre, "name": valor, f"label::{IDIOMA}": texto})
        if no_sabe:
            self.choices.append({"list_name": nombre, "name": NO_SABE, f"label::{IDIOMA}": NO_SE})
        return nombre

    def pregunta(self, pregunta: Pregunta) -> None:
        cuestionario = self.conocimiento.cuestionario
        relevant = relevante(pregunta, cuestionario)
        requerida = "" if pregunta.forma == "texto" else "yes"
        comun = {
            "pista": pregunta.ayuda,
            "requerida": requerida,
            "mensaje_requerida": "Responda esta pregunta"
            + (" (o marque «No sé»)" if pregunta.no_sabe else "")
            + "."
            if requerida
            else "",
        }
        etiqueta = f"{pregunta.id}. {pregunta.texto}"
        forma = _FORMA_DE[pregunta.forma]
        self.survey.extend(forma(self, pregunta, etiqueta, relevant, comun))

    def seleccion(
        self, pregunta: Pregunta, etiqueta: str, relevant: str, comun: dict[str, str]
    ) -> Iterator[Fila]:
        opciones = [(str(v), pregunta.etiqueta(v)) for v in pregunta.valores()]
        lista = self.lista(pregunta.id, opciones, pregunta.no_sabe)
        yield _fila(f"select_one {lista}", pregunta.id, etiqueta, relevante=relevant, **comun)

    def varias(
        self, pregunta: Pregunta, etiqueta: str, relevant: str, comun: dict[str, str]
    ) -> Iterator[Fila]:
        opciones = [(o.valor, o.texto) for o in getattr(pregunta, "opciones", [])]
        lista = self.lista(pregunta.id, opciones, pregunta.no_sabe)
        solas = [(o.valor, o.texto) for o in getattr(pregunta, "opciones", []) if o.exclusiva]
        if pregunta.no_sabe:
            solas.append((NO_SABE, NO_SE))
        restriccion = " and ".join(
            f"(not(selected(., '{v}')) or count-selected(.) = 1)" for v, _ in solas
        )
        mensaje = " ".join(f"«{t}» se marca sola, sin otras opciones." for _, t in solas)
        yield _fila(
            f"select_multiple {lista}",
            pregunta.id,
            etiqueta,
            relevante=relevant,
            restriccion=restriccion,
            mensaje_restriccion=mensaje,
            **comun,
        )

    def numero(
        self, pregunta: Pregunta, etiqueta: str, relevant: str, comun: dict[str, str]
    ) -> Iterator[Fila]:
        limites, textos = [], []
        minimo, maximo = getattr(pregunta, "minimo", None), getattr(pregunta, "maximo", None)
        if minimo is not None:
            limites.append(f". >= {_numero(minimo)}")
            textos.append(f"al menos {_cifra(minimo)}")
        if maximo is not None:
            limites.append(f". <= {_numero(maximo)}")
            textos.append(f"a lo sumo {_cifra(maximo)}")
        mensaje = f"Debe ser {' y '.join(textos)}." if textos else ""
        if pregunta.no_sabe:
            sabe = pregunta.id + SUFIJO_SABE
            lista = self.lista(f"{pregunta.id}_sabe", [(SABE, "Sí, sé la cifra")], no_sabe=True)
            yield _fila(
                f"select_one {lista}",
                sabe,
                f"{etiqueta} ¿Conoce la cifra?",
                relevante=relevant,
                **comun,
            )
            relevant = " and ".join(
                p for p in (relevant and f"({relevant})", f"${{{sabe}}} = '{SABE}'") if p
            )
            comun = {**comun, "mensaje_requerida": "Escriba la cifra."}
        yield _fila(
            "decimal",
            pregunta.id,
            etiqueta,
            relevante=relevant,
            restriccion=" and ".join(limites),
            mensaje_restriccion=mensaje,
            **comun,
        )

    def texto(
        self, pregunta: Pregunta, etiqueta: str, relevant: str, comun: dict[str, str]
    ) -> Iterator[Fila]:
        yield _fila("text", pregunta.id, etiqueta, relevante=relevant, **comun)

    def identificacion(self) -> None:
        territorios = self.conocimiento.territorios
        self.lista(CAMPO_UGT, [(_nombre_xml(t.nombre), t.nombre) for t in territorios])
        for territorio in territorios:
            for comuna in territorio.comunas:
                self.choices.append(
                    {
                        "list_name": CAMPO_COMUNA,
                        "name": _nombre_xml(comuna),
                        f"label::{IDIOMA}": comuna,
                        CAMPO_UGT: _nombre_xml(territorio.nombre),
                    }
                )
        requerida = {"requerida": "yes", "mensaje_requerida": "Elija una opción."}
        self.survey += [
            _fila("begin_group", GRUPO_IDENTIFICACION, "Comuna y fecha del diagnóstico"),
            _fila(f"select_one {CAMPO_UGT}", CAMPO_UGT, "Territorio (UGT)", **requerida),
            _fila(
                f"select_one {CAMPO_COMUNA}",
                CAMPO_COMUNA,
                "Comuna",
                filtro=f"{CAMPO_UGT}=${{{CAMPO_UGT}}}",
                **requerida,
            ),
            _fila(
                "date",
                CAMPO_FECHA,
                "Fecha del diagnóstico (de la mesa comunal)",
                pista="El día en que la mesa comunal respondió. Dos diagnósticos de una comuna con fechas distintas son su historia.",
                restriccion=". <= today()",
                mensaje_restriccion="La fecha no puede ser posterior a hoy.",
                requerida="yes",
                mensaje_requerida="Indique la fecha.",
            ),
            _fila("end_group", ""),
        ]

    def repeticiones(self) -> None:
        catalogo = self.conocimiento.catalogo
        for campo, lista in LISTAS_SERVICIO.items():
            self.lista(campo, [(e.id, e.nombre) for e in getattr(catalogo, lista)])
        texto_req = {"requerida": "yes", "mensaje_requerida": "Escriba el nombre."}
        elija = {"requerida": "yes", "mensaje_requerida": "Elija al menos una opción."}
        defecto = catalogo.nombre("areas_proceso", catalogo.area_proceso_por_defecto)
        self.survey += [
            _fila(
                "begin_repeat",
                REPETICION_SERVICIOS,
                "Inventario de servicios de fomento productivo",
                pista="Un servicio por repetición: el par cliente–producto que la municipalidad ofrece.",
            ),
            _fila("text", "servicio_nombre", "Nombre del servicio", **texto_req),
            _fila("text", "servicio_unidad", "Unidad que lo presta", **texto_req),
            _fila("select_one servicio_origen", "servicio_origen", "Origen", **elija),
            _fila("select_multiple servicio_clientes", "servicio_clientes", "Clientes", **elija),
            _fila("select_multiple servicio_etapas", "servicio_etapas", "Etapas", **elija),
            _fila(
                "select_one servicio_area_proceso",
                "servicio_area_proceso",
                "Área de procesos",
                pista=f"Si la deja en blanco, se asume «{defecto}».",
            ),
            _fila("end_repeat", ""),
            _fila("begin_repeat", REPETICION_MESA, "Integrantes de la mesa comunal"),
            _fila("text", "integrante_nombre", "Nombre", **texto_req),
            _fila("text", "integrante_cargo", "Cargo"),
            _fila("text", "integrante_unidad", "Unidad"),
            _fila("end_repeat", ""),
            _fila(
                "file",
                CAMPO_ACTA,
                "Acta o registro de la mesa comunal (foto, PDF o documento)",
                pista="Evidencia del diagnóstico: queda junto al archivo de respuestas, con su huella SHA-256.",
            ),
        ]


def _nombre_xml(nombre: str) -> str:
    """A choice name from a comuna or territory (ODK Central refuses spaces in names)."""
    return slugify(nombre, separator="_") or "sin_nombre"


_Forma = Callable[[_Formulario, Pregunta, str, str, dict[str, str]], Iterator[Fila]]
# How each way of answering (``Pregunta.forma``) is asked in the form: a new question type
# declares its forma in conocimiento/preguntas.py and needs nothing here.
_FORMA_DE: dict[FormaDeRespuesta, _Forma] = {
    "una_opcion": _Formulario.seleccion,
    "varias_opciones": _Formulario.varias,
    "numero": _Formulario.numero,
    "texto": _Formulario.texto,
}


def campo_de_evidencia(pregunta: str) -> str:
    """The form's file field that carries the evidence of one answer."""
    return f"{pregunta}{SUFIJO_EVIDENCIA}"


def evidencias_de(pregunta: Pregunta, conocimiento: Conocimiento) -> list[Fila]:
    """The file question after an answer that wants evidence (knowledge's evidence policy).

    It is asked only when the answer is one of the values that want it, and never required:
    a mesa without the document at hand still sends the form, and the acta lists the answers
    without evidence. The export reader copies its attachment as evidence of that answer.
    """
    valores = conocimiento.evidencia.piden.get(pregunta.id)
    if not valores:
        return []
    campo = "${" + pregunta.id + "}"
    if pregunta.forma == "varias_opciones":
        condiciones = [f"selected({campo}, '{v}')" for v in valores]
    else:
        condiciones = [f"{campo} = '{v}'" for v in valores]
    return [
        _fila(
            "file",
            campo_de_evidencia(pregunta.id),
            f"{pregunta.id}. Documento que respalda esta respuesta (foto, PDF o documento)",
            pista="Opcional. Queda junto al archivo de respuestas, con su huella SHA-256; "
            "el acta lista las respuestas que piden respaldo y no lo tienen.",
            relevante=" or ".join(condiciones),
        )
    ]


@dataclass(frozen=True)
class Hojas:
    """The three sheets of an XLSForm, as rows."""

    survey: list[Fila]
    choices: list[Fila]
    settings: Fila


def hojas(conocimiento: Conocimiento) -> Hojas:
    formulario = _Formulario(conocimiento)
    formulario.identificacion()
    cuestionario = conocimiento.cuestionario
    for area in (*AREAS, TRANSVERSAL):
        datos = cuestionario.areas[area]
        formulario.survey.append(_fila("begin_group", area, datos.nombre, pista=datos.descripcion))
        for pregunta in cuestionario.de_area(area):
            formulario.pregunta(pregunta)
            formulario.survey.extend(evidencias_de(pregunta, conocimiento))
        formulario.survey.append(_fila("end_group", ""))
    formulario.repeticiones()
    contenido = json.dumps([formulario.survey, formulario.choices], sort_keys=True)
    settings = {
        "form_title": TITULO,
        "form_id": ID_FORMULARIO,
        "version": hashlib.sha256(contenido.encode()).hexdigest()[:12],
        "default_language": IDIOMA,
        "instance_name": f"concat(${{{CAMPO_COMUNA}}}, ' ', ${{{CAMPO_FECHA}}})",
    }
    return Hojas(formulario.survey, formulario.choices, settings)


def formulario_xlsx(conocimiento: Conocimiento) -> bytes:
    """The XLSForm file (survey, choices, settings), ready for ODK Central or KoboToolbox."""
    datos = hojas(conocimiento)
    salida = io.BytesIO()
    libro = xlsxwriter.Workbook(salida, {"in_memory": True, "strings_to_formulas": False})
    libro.set_properties({"title": TITULO})
    negrita = libro.add_format({"bold": True})
    for nombre, columnas, filas in (
        ("survey", COLUMNAS_SURVEY, datos.survey),
        ("choices", COLUMNAS_CHOICES, datos.choices),
        ("settings", COLUMNAS_SETTINGS, [datos.settings]),
    ):
        hoja = libro.add_worksheet(nombre)
        hoja.write_row(0, 0, columnas, negrita)
        for numero, fila in enumerate(filas, 1):
            hoja.write_row(numero, 0, [fila.get(c, "") for c in columnas])
        hoja.freeze_panes(1, 0)
    libro.close()
    return salida.getvalue()
