"""Large service inventories for benchmarks: N services drawn from the catalogue.

Each service gets one or two clients and two to four stages of the catalogue
(knowledge/servicios.yaml) and one of six units, with a fixed seed: about a
quarter of the pairs share a client and a stage, as in a comuna whose
programmes overlap. The answers are those of an illustrative example.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from diagnostico_experto.conocimiento.carpeta import Conocimiento

RAIZ = Path(__file__).resolve().parent.parent
UNIDADES = ["UDEL", "DIDECO", "OMIL", "SECPLAN", "Oficina de Turismo", "Oficina Agrícola"]


def servicios(conocimiento: Conocimiento, n: int, semilla: int = 2026) -> list[dict[str, Any]]:
    azar = random.Random(semilla)
    catalogo = conocimiento.catalogo
    clientes, etapas = catalogo.ids("clientes"), catalogo.ids("etapas")
    return [
        {
            "nombre": f"Servicio {i + 1}",
            "unidad": azar.choice(UNIDADES),
            "origen": azar.choice(catalogo.ids("origenes")),
            "clientes": azar.sample(clientes, azar.randint(1, 2)),
            "etapas": sorted(azar.sample(etapas, azar.randint(2, 4)), key=etapas.index),
        }
        for i in range(n)
    ]


def datos_con_servicios(conocimiento: Conocimiento, n: int) -> dict[str, Any]:
    """The answers of Yumbel's illustrative example with N services."""
    ejemplo = conocimiento.carpeta / "ejemplos" / "yumbel.yaml"
    datos = YAML(typ="safe").load(ejemplo.read_text(encoding="utf-8"))
    datos["servicios"] = servicios(conocimiento, n)
    return datos
