"""The questionnaire's loop for evidence: for each answer that wants it
(knowledge/evidencias.yaml), a document, its date, who answered, and a file
next to the answer file (its SHA-256 is written with it) or a link."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

from questionary import Choice
from ruamel.yaml.comments import CommentedMap

from diagnostico_experto.comun import formato_chileno
from diagnostico_experto.terminal.pantalla import decir

if TYPE_CHECKING:
    from diagnostico_experto.conocimiento.preguntas import Pregunta
    from diagnostico_experto.terminal.sesion import Sesion

LISTO, AHORA, DESPUES = "__listo__", "__ahora__", "__despues__"


def ofrecer_evidencia(entrevista: Sesion, pregunta: Pregunta) -> None:
    """Right after an answer that wants evidence: register it now, or Enter to go on
    (the end menu's «Evidencia de las respuestas» stays for later)."""
    if any(
        e.get("pregunta") == pregunta.id for e in entrevista.borrador.datos.get("evidencias") or []
    ):
        return
    decision = entrevista.consola.elegir(
        f"{pregunta.id}: ¿hay un documento que respalde esta respuesta?",
        [
            Choice("No por ahora, seguir (se puede agregar desde el menú final)", DESPUES),
            Choice("Sí, registrar la evidencia ahora", AHORA),
        ],
        DESPUES,
        eco=False,
    )
    if decision == AHORA:
        _guardar(entrevista, pregunta.id)


def editar_evidencias(entrevista: Sesion, piden: list[str]) -> None:
    """Add evidence to the answers that want it, one at a time, saved at once."""
    evidencias = entrevista.borrador.lista("evidencias")
    por_id = entrevista.conocimiento.cuestionario.por_id
    while True:
        con = {str(e.get("pregunta")) for e in evidencias if e.get("pregunta")}
        opciones = [
            Choice(f"Listo, volver ({len(con & set(piden))} de {len(piden)} con evidencia)", LISTO)
        ]
        opciones += [
            Choice(f"{id_} {'✓' if id_ in con else '·'} {por_id[id_].texto}", id_) for id_ in piden
        ]
        pregunta = entrevista.consola.elegir("¿Evidencia de qué respuesta?", opciones, eco=False)
        if pregunta == LISTO:
            return
        decir(f"Evidencia de {pregunta}: {por_id[pregunta].texto}")
        _guardar(entrevista, pregunta)


def _guardar(entrevista: Sesion, pregunta: str) -> None:
    evidencia = _nueva(entrevista, pregunta)
    if evidencia is not None:
        entrevista.borrador.lista("evidencias").append(evidencia)
        entrevista.borrador.guardar()
        decir(f"Evidencia de {pregunta} guardada.")


def _nueva(entrevista: Sesion, pregunta: str) -> CommentedMap | None:
    consola = entrevista.consola
    evidencia = CommentedMap()
    evidencia["pregunta"] = pregunta
    documento = consola.preguntar_texto(
        "Documento (p. ej. «Decreto alcaldicio 123»):", obligatorio=False
    )
    if documento:
        evidencia["documento"] = documento
    fecha = _fecha(entrevista)
    if fecha is not None:
        evidencia["fecha"] = fecha
    responde = consola.preguntar_texto("Quién respondió o tiene el documento:", obligatorio=False)
    if responde:
        evidencia["responde"] = responde
    archivo = _archivo(entrevista)
    if archivo:
        evidencia["archivo"], evidencia["sha256"] = archivo
    enlace = consola.preguntar_texto("Enlace (https://…), si lo hay:", obligatorio=False)
    if enlace:
        if not enlace.startswith(("http://", "https://")):
            decir("El enlace debe empezar por http:// o https://; no se guardó.")
        else:
            evidencia["enlace"] = enlace
    if not any(k in evidencia for k in ("documento", "archivo", "enlace")):
        decir("Sin documento, archivo ni enlace no hay evidencia que guardar.")
        return None
    return evidencia


def _fecha(entrevista: Sesion) -> Any:
    """A date as written in Chile (12-03-2026, 12/03/2026) or ISO (2026-03-12)."""
    while True:
        texto = entrevista.consola.preguntar_texto(
            "Fecha del documento (día-mes-año, p. ej. 12-03-2026), si la tiene:",
            obligatorio=False,
        ).strip()
        if not texto:
            return None
        try:
            return formato_chileno.leer_fecha(texto)
        except ValueError as exc:
            decir(f"{exc}.")


def _archivo(entrevista: Sesion) -> tuple[str, str] | None:
    """A file next to the answer file, by relative path, with its SHA-256."""
    carpeta = entrevista.ruta.parent
    while True:
        texto = entrevista.consola.preguntar_texto(
            f"Archivo junto al de respuestas (ruta desde {carpeta}), si lo hay:",
            obligatorio=False,
        ).strip()
        if not texto:
            return None
        ruta = carpeta / texto
        if texto.startswith("/") or ".." in ruta.relative_to(carpeta).parts:
            decir("Escriba una ruta dentro de la carpeta del archivo de respuestas.")
        elif not ruta.is_file():
            decir(f"No hay un archivo «{texto}» en {carpeta}.")
        else:
            with ruta.open("rb") as f:
                return texto, hashlib.file_digest(f, "sha256").hexdigest()
