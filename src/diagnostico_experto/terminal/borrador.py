"""The answer file while a questionnaire edits it: the only state of a session.

Every change is written at once, atomically, so Ctrl-C, a closed terminal or
``kill -9`` lose nothing. A symlinked file is written through to its target,
and one editor at a time holds the file (``comun.cerrojo``).
"""

from __future__ import annotations

import datetime as dt
import io
import os
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from diagnostico_experto.comun.archivos_yaml import Documento, escribir_atomico, leer_editable
from diagnostico_experto.comun.cerrojo import Cerrojo
from diagnostico_experto.comun.errores import ErrorRespuestas
from diagnostico_experto.comun.restricciones import simple
from diagnostico_experto.conocimiento.carpeta import Conocimiento
from diagnostico_experto.conocimiento.preguntas import Pregunta
from diagnostico_experto.conocimiento.respuestas import Respuestas, desde_documento

_BOOLEANOS_YAML_1_1 = {"no", "yes", "y", "n", "on", "off", "true", "false"}


def _para_yaml(valor: Any) -> Any:
    """An answer as the file writes it: lists in flow style, «no» quoted."""
    if isinstance(valor, list):
        lista = CommentedSeq(valor)
        lista.fa.set_flow_style()
        return lista
    if isinstance(valor, str) and valor.lower() in _BOOLEANOS_YAML_1_1:
        return DoubleQuotedScalarString(valor)  # other YAML readers would see a boolean
    return valor


class Borrador:
    """The answer file of one session: read once, written after every change."""

    def __init__(self, ruta: Path, conocimiento: Conocimiento):
        self.ruta = Path(ruta)  # as the user wrote it, for messages
        self.real = Path(os.path.realpath(self.ruta))  # where the bytes go
        self.conocimiento = conocimiento
        self.cerrojo = Cerrojo(self.ruta)
        self.datos = self._cargar()
        # answers given before: changing one is a correction the acta lists (``correcciones``)
        self.dadas_antes: set[str] = set(self.valores())
        self._quitadas: dict[str, Any] = {}  # dropped answers given before, to compare a new one

    @ErrorRespuestas.al_leer()
    def _cargar(self) -> CommentedMap:
        if not self.ruta.exists():
            return CommentedMap()
        doc = leer_editable(self.ruta)
        if doc.datos is None:
            return CommentedMap()
        if not isinstance(doc.datos, CommentedMap):
            raise ErrorRespuestas.uno(self.ruta, "el archivo no es un archivo de respuestas")
        if "comuna" in doc.datos:
            desde_documento(doc, self.conocimiento)  # refuse a broken file before touching it
        return doc.datos

    def guardar(self) -> None:
        yaml = YAML()
        yaml.width = 100
        yaml.indent(mapping=2, sequence=4, offset=2)  # the style of the shipped examples
        texto = io.StringIO()
        yaml.dump(self.datos, texto)
        escribir_atomico(self.real, texto.getvalue())

    def documento(self) -> Documento:
        return Documento(self.ruta, self.datos)

    def validadas(self) -> Respuestas:
        return desde_documento(self.documento(), self.conocimiento)

    # --- sections ------------------------------------------------------------------

    def seccion(self, clave: str, tipo: type = CommentedMap) -> Any:
        if self.datos.get(clave) is None:
            self.datos[clave] = tipo()
        return self.datos[clave]

    @property
    def respuestas(self) -> CommentedMap:
        return self.seccion("respuestas")

    def lista(self, clave: str) -> CommentedSeq:
        return self.seccion(clave, CommentedSeq)

    def valores(self) -> dict[str, Any]:
        """The answers as plain values (no YAML wrappers), unanswered ones left out."""
        return {k: simple(v) for k, v in self.respuestas.items() if v is not None}

    # --- changes -------------------------------------------------------------------

    def responder(self, pregunta: Pregunta, valor: Any) -> list[Pregunta]:
        """Save one answer, drop the answers that stop applying, write the file.

        Returns the questions whose answers were dropped, so the caller can say so.
        """
        anterior = self.valores().get(pregunta.id, self._quitadas.get(pregunta.id))
        self.respuestas[pregunta.id] = _para_yaml(valor)
        quitadas: list[Pregunta] = []
        cuestionario = self.conocimiento.cuestionario
        valores = self.valores()
        for p in cuestionario.preguntas:
            if p.id in valores and not cuestionario.aplica(p, valores):
                if p.id in self.dadas_antes:
                    self._quitadas.setdefault(p.id, valores[p.id])
                del valores[p.id]
                del self.respuestas[p.id]
                quitadas.append(p)
        if pregunta.id in self.dadas_antes and anterior is not None:
            self._corregir(pregunta.id, anterior, simple(valor))
        self.guardar()
        return quitadas

    def fijar_respuestas(self) -> None:
        """From now on every answer given counts as given before (the mesa has seen the
        diagnosis): changing it is a correction."""
        self.dadas_antes |= set(self.valores())

    def _corregir(self, pregunta: str, antes: Any, despues: Any) -> None:
        """One correction per question and session date: the first «antes», the last
        «después»; none when the answer returns to what it was."""
        hoy = dt.date.today()
        correcciones = self.lista("correcciones")
        de_hoy = next(
            (
                c
                for c in correcciones
                if isinstance(c, dict) and c.get("pregunta") == pregunta and c.get("fecha") == hoy
            ),
            None,
        )
        if de_hoy is None:
            if antes == despues:
                return
            de_hoy = CommentedMap()
            de_hoy["pregunta"] = pregunta
            de_hoy["antes"] = _para_yaml(antes)
            correcciones.append(de_hoy)
        if simple(de_hoy.get("antes")) == despues:
            correcciones.remove(de_hoy)
            if not correcciones:
                del self.datos["correcciones"]
            return
        de_hoy["despues"] = _para_yaml(despues)
        de_hoy["fecha"] = hoy

    def validar_area(
        self, area: str, nivel: str, justificacion: str, diagnosticado: str, huella: str
    ) -> None:
        """The mesa comunal's level for an area, with its reason (§6.2.3), and what it
        validated: the diagnosed level, the day and a digest of the area's answers."""
        validacion = self.seccion("validacion")
        entrada = CommentedMap()
        entrada["nivel"] = nivel
        entrada["justificacion"] = justificacion
        entrada["diagnosticado"] = diagnosticado
        entrada["fecha"] = dt.date.today()
        entrada["huella"] = huella
        validacion[area] = entrada
        self.guardar()
