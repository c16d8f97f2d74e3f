"""Where the default rules/ and knowledge/ folders are.

Installed from a wheel they travel inside the package (``_datos/``); in a
checkout of the repository they are the top-level folders that consultants
edit. A consultant's own copies are chosen with --reglas / --conocimiento.
"""

from __future__ import annotations

from pathlib import Path

_PAQUETE = Path(__file__).resolve().parent.parent


def carpeta_por_defecto(nombre: str) -> Path:
    """``nombre`` is "rules" or "knowledge"."""
    empaquetada = _PAQUETE / "_datos" / nombre
    if empaquetada.is_dir():
        return empaquetada
    return _PAQUETE.parent.parent / nombre
