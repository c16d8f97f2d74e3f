"""``diagnostico importar``: an export's submissions as answer files, for review.

One YAML answer file per submission (``<comuna>-<fecha>.yaml``), as the
terminal questionnaire writes them, so they can be reviewed, completed with
``diagnostico cuestionario`` and evaluated with ``diagnostico lote``. A
submission's attachments are copied beside its file (``<comuna>-<fecha>-adjuntos/``)
and listed under ``evidencias`` with their SHA-256. Every submission is
checked as an answer file before anything is written: a problem in one
stops the import and the folder stays as it was.
"""

from __future__ import annotations

import io
from pathlib import Path, PurePosixPath
from typing import Any

from ruamel.yaml import YAML
from slugify import slugify

from diagnostico_experto.comun.archivos_yaml import Documento
from diagnostico_experto.comun.errores import ErrorDiagnostico
from diagnostico_experto.comun.salidas import nombre_de_archivo
from diagnostico_experto.conocimiento.carpeta import Conocimiento
from diagnostico_experto.conocimiento.respuestas import desde_documento
from diagnostico_experto.lote.exportacion import Envio, Lectura
from diagnostico_experto.lote.publicacion import Publicacion

_BOOLEANOS_YAML_1_1 = {"no", "yes", "y", "n", "on", "off", "true", "false"}
_ORDEN = ("comuna", "fecha", "nota", "respuestas", "servicios", "mesa", "evidencias")


def revisar(lectura: Lectura, conocimiento: Conocimiento) -> list[str]:
    """Every problem of the submissions to use, each checked as an answer file."""
    problemas: list[str] = []
    for envio in lectura.envios:
        problemas += envio.problemas
        if envio.problemas:
            continue
        try:
            desde_documento(_documento(envio), conocimiento)
        except ErrorDiagnostico as exc:
            problemas += [str(p) for p in exc.problemas]
    return list(dict.fromkeys(problemas))  # a column's problem once, not once per row


def _documento(envio: Envio) -> Documento:
    return Documento(Path(envio.origen), envio.datos, envio.lugares)


def archivos(lectura: Lectura, exportacion: Path) -> dict[str, str | bytes]:
    """The answer files and attachments, by their path inside --salida."""
    salida: dict[str, str | bytes] = {}
    usados: set[str] = set()
    yaml = _escritor()
    for envio in lectura.envios:
        base = nombre_de_archivo(str(envio.datos.get("comuna", "")))
        if envio.datos.get("fecha"):
            base += f"-{envio.datos['fecha']}"
        nombre, n = base, 2
        while nombre in usados:
            nombre, n = f"{base}-{n}", n + 1
        usados.add(nombre)
        datos = dict(envio.datos)
        evidencias = []
        for adjunto, evidencia in zip(envio.adjuntos, datos.get("evidencias", []), strict=True):
            copia = dict(evidencia)
            if adjunto.contenido is not None:
                relativa = f"{nombre}-adjuntos/{_nombre_seguro(adjunto.nombre)}"
                salida[relativa] = adjunto.contenido
                copia["archivo"] = relativa
            evidencias.append(copia)
        if evidencias:
            datos["evidencias"] = evidencias
        origen = f"{exportacion.name}, envío {envio.clave}" if envio.clave else exportacion.name
        salida[f"{nombre}.yaml"] = _yaml(yaml, datos, origen)
    return salida


def _nombre_seguro(nombre: str) -> str:
    """An attachment's name as a file name of one folder: no path, no hidden file."""
    puro = PurePosixPath(nombre.replace("\\", "/")).name
    raiz, punto, extension = puro.rpartition(".")
    if not punto:
        raiz, extension = puro, ""
    limpio = slugify(raiz) or "adjunto"
    extension = slugify(extension)
    return f"{limpio}.{extension}" if extension else limpio


class _Citado(str):
    """A text other YAML readers would take for a boolean («no»): written quoted."""


def _escritor() -> YAML:
    """libyaml's emitter (ruamel-yaml-clib): ~1 ms a file, against ~55 ms for the pure one."""
    yaml = YAML(typ="safe", pure=False)
    yaml.default_flow_style = False
    yaml.allow_unicode = True
    yaml.width = 100
    yaml.sort_base_mapping_type_on_output = False  # type: ignore[assignment]
    yaml.representer.add_representer(
        _Citado, lambda r, dato: r.represent_scalar("tag:yaml.org,2002:str", str(dato), style='"')
    )
    return yaml


def _yaml(yaml: YAML, datos: dict[str, Any], origen: str) -> str:
    ordenados = {k: _citar(datos[k]) for k in _ORDEN if datos.get(k) not in (None, [], {})}
    texto = io.StringIO()
    texto.write(f"# Importado de {origen}.\n")
    yaml.dump(ordenados, texto)
    return texto.getvalue()


def _citar(valor: Any) -> Any:
    if isinstance(valor, str) and valor.lower() in _BOOLEANOS_YAML_1_1:
        return _Citado(valor)
    if isinstance(valor, dict):
        return {k: _citar(v) for k, v in valor.items()}
    if isinstance(valor, list):
        return [_citar(v) for v in valor]
    return valor


def escribir(salida: Path, contenidos: dict[str, str | bytes]) -> None:
    """The whole set at once: --salida has all of it or stays as it was."""
    with Publicacion(salida) as publicacion:
        for relativa, contenido in contenidos.items():
            publicacion.escribir(relativa, contenido)
        publicacion.publicar()
