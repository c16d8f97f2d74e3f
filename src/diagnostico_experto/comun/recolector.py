"""Python's cycle collector: one policy, set where a process of this program starts.

An evaluation allocates objects by the hundred thousand (facts, tokens,
activations, trace lines) and keeps nearly all of them until the next one;
with Python's default thresholds the collector walks them again and again
(a third of the time of a comuna with 200 services). A comuna leaves almost
no cycles behind. So the process entries (the ``diagnostico`` command, each
worker of a batch) raise the first threshold once, and nothing else in the
program touches the collector: ``Motor.evaluar`` and the reports run under
whatever policy the program that calls them has chosen.
"""

from __future__ import annotations

import contextlib
import gc
import sys

# Container allocations (net of frees) between two collections of the youngest
# generation: Python's default is 700. 20.000 is a few comunas' worth (a
# comuna frees the previous one's objects as it starts), measured with
# benchmarks/motor.py; the older generations keep their default ratios.
UMBRALES = (20_000, 10, 10)


def politica_de_proceso(apartar_lo_cargado: bool = False) -> None:
    """Set the collector's policy of this process; called once, by a process entry.

    ``apartar_lo_cargado``: for a process that ends with its work (a batch's
    worker), what is loaded now (rules, knowledge, the compiled network) is
    left out of every later collection (``gc.freeze``); what is garbage now is
    freed first.
    """
    if apartar_lo_cargado:
        gc.collect()
        gc.freeze()
    gc.set_threshold(*UMBRALES)


def devolver_memoria() -> None:
    """Give the memory a large piece of work freed back to the system (glibc's
    ``malloc_trim``; elsewhere nothing), so that the next piece starts lower."""
    if sys.platform.startswith("linux"):
        import ctypes  # only here: every command imports this module

        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None).malloc_trim(0)
