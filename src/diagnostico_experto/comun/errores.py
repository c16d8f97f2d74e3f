"""User-facing errors: one Spanish line per problem, naming file, line and field.

Consultants fix files by line, so every error that comes from a file carries
the line it refers to. Pydantic's English messages are translated here, in
one place, by error type.
"""

from __future__ import annotations

import errno
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, Self

from diagnostico_experto.comun.formato_chileno import numero, pista_con_punto, plural

# A text file named .yaml can give one error per line: past this many problems in one
# file, the rest are only counted («… y 37 errores más»).
MAX_PROBLEMAS_POR_ARCHIVO = 5
# A key or value quoted in a message is cut to this many characters («…»).
MAX_CARACTERES_CITADOS = 40


def citar(texto: object, maximo: int = MAX_CARACTERES_CITADOS) -> str:
    """A key or value as a message quotes it: at most ``maximo`` characters."""
    texto = str(texto)
    return texto if len(texto) <= maximo else texto[: maximo - 1] + "…"


@dataclass(frozen=True)
class Problema:
    """One problem found in an input file."""

    archivo: str
    linea: int | None
    campo: str
    mensaje: str

    def __str__(self) -> str:
        lugar = self.archivo if self.linea is None else f"{self.archivo}:{self.linea}"
        campo = f" {citar(self.campo)}:" if self.campo else ""
        return f"{lugar}:{campo} {self.mensaje}"


class ErrorDiagnostico(Exception):
    """A problem the user can fix: Spanish lines naming file, line and field.

    The base of every error a person reads; ``codigo_salida`` is the exit code
    of the command it stops (``main`` returns it; inside a batch, the comuna
    fails with 1 and the rest is still done). Raise the subclass that names
    what is wrong, so callers can tell the answers from the rules, the
    templates, the environment and the engine:

    - ``ErrorRespuestas``: an answer file, planilla or batch entry;
    - ``ErrorReglas``: a rule, knowledge or calibration-case file;
    - ``ErrorPlantilla``: a Word template;
    - ``ErrorEntorno``: the machine (no terminal, a disk that refuses a write,
      a lock held by another session, an output that would replace an input);
    - ``ErrorMotor``: the rule base at run time (a loop, an area with no level).

    ``ErrorArchivo`` is what the shared readers (``comun.lectura``,
    ``comun.archivos_yaml``) raise for a file they cannot read, before anyone
    knows its kind; each loader turns it into its own class with ``al_leer``.
    """

    codigo_salida: ClassVar[int] = 2  # could not run (the exit-code contract)

    def __init__(self, problemas: Iterable[Problema]):
        self.problemas = list(problemas)
        super().__init__("\n".join(lineas(self.problemas)))

    @classmethod
    def uno(
        cls, archivo: str | Path, mensaje: str, linea: int | None = None, campo: str = ""
    ) -> Self:
        return cls([Problema(str(archivo), linea, campo, mensaje)])


class ErrorArchivo(ErrorDiagnostico):
    """An input file that cannot be read or is invalid; its kind is in the subclass."""

    @classmethod
    @contextmanager
    def al_leer(cls) -> Iterator[None]:
        """Within this block, a file the shared readers refuse is an error of this kind."""
        try:
            yield
        except ErrorArchivo as exc:
            if isinstance(exc, cls) or type(exc) is not ErrorArchivo:
                raise
            raise cls(exc.problemas) from exc.__cause__


class ErrorRespuestas(ErrorArchivo):
    """An answer file, a planilla or a batch entry."""


class ErrorReglas(ErrorArchivo):
    """A rule, knowledge or calibration-case file (what consultants edit)."""


class ErrorPlantilla(ErrorArchivo):
    """A Word template."""


class ErrorEntorno(ErrorDiagnostico):
    """The machine, not a file's content: no terminal, a refused write, a held lock."""


class ErrorMotor(ErrorDiagnostico):
    """The rule base at run time: a loop of firings, an area left without a level."""


def sugerencia(nombre: object, conocidos: Iterable[object]) -> str:
    """A "did you mean" suffix, or an empty string when nothing is close."""
    import difflib  # here: every command imports this module (--help too)

    cercanos = difflib.get_close_matches(str(nombre), [str(c) for c in conocidos], n=1)
    return f" ¿Quiso decir «{cercanos[0]}»?" if cercanos else ""


def lineas(problemas: Iterable[Problema]) -> list[str]:
    """The lines a person reads: at most ``MAX_PROBLEMAS_POR_ARCHIVO`` per file, then a count."""
    por_archivo: dict[str, list[Problema]] = {}
    for problema in problemas:
        por_archivo.setdefault(problema.archivo, []).append(problema)
    texto: list[str] = []
    for archivo, suyos in por_archivo.items():
        texto.extend(str(p) for p in suyos[:MAX_PROBLEMAS_POR_ARCHIVO])
        resto = len(suyos) - MAX_PROBLEMAS_POR_ARCHIVO
        if resto > 0:
            texto.append(f"{archivo}: … y {plural(resto, 'error más', 'errores más')}")
    return texto


_MENSAJES = {
    "missing": "falta este campo obligatorio",
    "string_type": "debe ser un texto",
    "int_type": "debe ser un número entero",
    "int_parsing": "debe ser un número entero",
    "int_from_float": "debe ser un número entero",
    "float_type": "debe ser un número",
    "float_parsing": "debe ser un número",
    "bool_type": "debe ser verdadero o falso (true/false)",
    "bool_parsing": "debe ser verdadero o falso (true/false)",
    "list_type": "debe ser una lista",
    "dict_type": "debe ser un mapeo (clave: valor)",
    "model_type": "debe ser un mapeo (clave: valor)",
    "model_attributes_type": "debe ser un mapeo (clave: valor)",
    "date_type": "debe ser una fecha AAAA-MM-DD",
    "date_parsing": "debe ser una fecha AAAA-MM-DD",
    "date_from_datetime_parsing": "debe ser una fecha AAAA-MM-DD",
    "date_from_datetime_inexact": "debe ser una fecha AAAA-MM-DD, sin hora",
    "finite_number": "debe ser un número finito (no .nan ni .inf)",
    "string_too_short": "no puede estar vacío",
    "too_short": "no puede estar vacío",
    "string_pattern_mismatch": "solo letras minúsculas, números, guiones y guiones bajos",
    "greater_than_equal": "debe ser mayor o igual que {ge}",
    "less_than_equal": "debe ser menor o igual que {le}",
    "greater_than": "debe ser mayor que {gt}",
    "union_tag_invalid": "tipo desconocido «{tag}»; tipos posibles: {expected_tags}",
    "union_tag_not_found": "falta indicar el tipo",
}


def _cifra(valor: Any) -> Any:
    """An integer bound as Chileans write it: 1.000.000.000."""
    if isinstance(valor, int) and not isinstance(valor, bool):
        return numero(valor, 0)
    return valor


def traducir(error: Mapping[str, Any]) -> str:
    """Spanish message for one pydantic error dict."""
    tipo = error["type"]
    ctx = error.get("ctx") or {}
    if tipo == "value_error":
        # Our own validators raise ValueError with a Spanish message.
        return str(ctx.get("error", error["msg"]))
    if tipo == "literal_error":
        esperados = str(ctx.get("expected", "")).replace("' or '", "' o '")  # pydantic's English
        return f"valor «{citar(error.get('input'))}» no permitido; se espera {esperados}"
    if tipo == "extra_forbidden":
        return "campo desconocido"
    plantilla = _MENSAJES.get(tipo)
    if plantilla is None:
        return f"valor no válido ({error['msg']})"
    if tipo in ("float_type", "float_parsing"):  # «5,5» in a YAML file is a text
        plantilla += pista_con_punto(error.get("input"))
    try:
        return plantilla.format(**{k: _cifra(v) for k, v in ctx.items()})
    except (KeyError, IndexError):
        return plantilla


_MOTIVOS_SO = {
    errno.ENOSPC: "no queda espacio en el disco",
    errno.EDQUOT: "se agotó la cuota de disco",
    errno.EROFS: "el sistema de archivos es de solo lectura",
    errno.EACCES: "sin permiso",
    errno.EPERM: "operación no permitida",
    errno.ENOENT: "la ruta no existe",
    errno.ENOTDIR: "parte de la ruta no es una carpeta",
    errno.EEXIST: "parte de la ruta es un archivo, no una carpeta",
    errno.EISDIR: "es una carpeta",
    errno.ENAMETOOLONG: "el nombre es demasiado largo",
    errno.EIO: "error de entrada/salida del disco",
    errno.ELOOP: "es un enlace simbólico que vuelve sobre sí mismo",
}


def motivo_so(exc: OSError) -> str:
    """The operating system's reason for a failed read or write, in Spanish."""
    return _MOTIVOS_SO.get(exc.errno or 0) or exc.strerror or str(exc)


def no_se_pudo_escribir(ruta: str | Path, exc: OSError) -> ErrorEntorno:
    """A write that failed, named by the file the user asked for (never a temporary one)."""
    return ErrorEntorno.uno(ruta, f"no se pudo escribir ({motivo_so(exc)})")
