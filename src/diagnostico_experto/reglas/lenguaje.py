"""The rule files: their format, and their meaning as conditions and conclusions.

A rule file holds ``reglas`` (one rule each) and ``tablas`` (decision tables,
one rule per row). Conditions are one-key mappings:

- ``<tipo>: {campo: restricción, ...}``  a fact of that type must exist
- ``no: {<tipo>: {...}}``                no such fact may exist (negation)
- ``compara: [?a, operador, ?b]``        a comparison between bound values
                                         (also ``en``/``fuera_de`` a bound list)

Conclusions are ``<tipo>: {campo: valor}`` for the types rules may assert;
values may be literals, ``$parámetros``, ``?variables`` or texts with
``{variable}`` inside. Everything is checked against the fact types of
``hechos.py`` and the knowledge folder when the file is loaded.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path

from diagnostico_experto.comun.archivos_yaml import Documento, leer
from diagnostico_experto.comun.cache import contenido, recordar
from diagnostico_experto.comun.errores import ErrorDiagnostico, ErrorReglas, Problema, sugerencia
from diagnostico_experto.conocimiento.carpeta import Conocimiento, cargar_conocimiento
from diagnostico_experto.reglas.conclusiones import LectorDeConclusiones
from diagnostico_experto.reglas.condiciones import LectorDeCondiciones
from diagnostico_experto.reglas.esquema import (
    RENOMBRADAS,
    ArchivoReglas,
    ReglaArchivo,
    TablaArchivo,
)
from diagnostico_experto.reglas.hechos import TIPOS
from diagnostico_experto.reglas.regla import (
    Conclusion,
    Condicion,
    Patron,
    Regla,
)
from diagnostico_experto.reglas.tablas import Fila, Lugar, expandir
from diagnostico_experto.reglas.valores import RevisorDeCampos

# --- loading -------------------------------------------------------------------


@ErrorReglas.al_leer()
def cargar_reglas(
    carpeta: str | Path, conocimiento: Conocimiento, cache: Path | None = None
) -> list[Regla]:
    """Every rule of every ``*.yaml`` or ``*.yml`` file in the folder (not in subfolders);
    ``cache``: the shared cache's folder (None: none)."""
    carpeta = Path(carpeta)
    if not carpeta.is_dir():
        raise ErrorReglas.uno(carpeta, "la carpeta de reglas no existe")
    # The entry keeps the knowledge object alive, so its id is never reused by another.
    clave = ("reglas", id(conocimiento))
    reglas = recordar(
        clave,
        carpeta,
        lambda: _leer_reglas(carpeta, conocimiento),
        _clave_compartida(conocimiento) if cache is not None else None,
        conservar=conocimiento,
        cache=cache,
    )
    return list(reglas)


def _clave_compartida(conocimiento: Conocimiento) -> tuple[str, ...] | None:
    """Across processes, rules depend on the knowledge folder's content (parameters, lists).

    Only knowledge exactly as its folder gives it qualifies: a variant built in
    memory (another parameter) has no key that another process could share.
    """
    try:
        de_su_carpeta = conocimiento is cargar_conocimiento(conocimiento.carpeta)
    except ErrorDiagnostico:
        return None
    if not de_su_carpeta:
        return None
    return ("reglas", str(conocimiento.carpeta.resolve()), contenido(conocimiento.carpeta))


def _leer_reglas(carpeta: Path, conocimiento: Conocimiento) -> list[Regla]:
    archivos = sorted([*carpeta.glob("*.yaml"), *carpeta.glob("*.yml")])
    if not archivos:
        raise ErrorReglas.uno(carpeta, "la carpeta de reglas no tiene archivos .yaml ni .yml")
    reglas: list[Regla] = []
    problemas: list[Problema] = []
    lugares: dict[str, str] = {}
    for ruta in archivos:
        doc = leer(ruta, conocimiento.limites)
        try:
            nuevas = interpretar_archivo(doc, conocimiento)
        except ErrorDiagnostico as exc:
            problemas.extend(exc.problemas)
            continue
        for regla in nuevas:
            if regla.id in lugares:
                problemas.append(
                    Problema(
                        regla.archivo,
                        regla.linea,
                        "id",
                        f"regla «{regla.id}» repetida; ya está en {lugares[regla.id]}",
                    )
                )
            lugares[regla.id] = regla.lugar()
            reglas.append(regla)
    if problemas:
        raise ErrorReglas(problemas)
    return reglas


@ErrorReglas.al_leer()
def interpretar_archivo(doc: Documento, conocimiento: Conocimiento) -> list[Regla]:
    """The rules of one file; ErrorReglas with every problem, each with its line."""
    if doc.datos is None:
        return []
    avisos = _renombrar(doc)
    archivo = doc.validar(ArchivoReglas)
    lector = _Lector(doc, conocimiento)
    reglas = [lector.regla(r, ("reglas", i)) for i, r in enumerate(archivo.reglas)]
    for i, tabla in enumerate(archivo.tablas):
        reglas.extend(lector.tabla(tabla, ("tablas", i)))
    if lector.problemas:
        raise ErrorReglas(lector.problemas)
    leidas = [r for r in reglas if r is not None]
    if avisos:  # the first rule of the file carries the file's warnings
        leidas[:1] = [replace(r, avisos=tuple(avisos)) for r in leidas[:1]]
    return leidas


def _renombrar(doc: Documento) -> list[tuple[str, str]]:
    """Renamed keys of rules and tables read under their new name, with a warning each."""
    avisos: list[tuple[str, str]] = []
    if not isinstance(doc.datos, Mapping):
        return avisos
    for seccion in ("reglas", "tablas"):
        elementos = doc.datos.get(seccion)
        for i, elemento in enumerate(elementos if isinstance(elementos, list) else []):
            if not isinstance(elemento, dict):
                continue
            for viejo, nuevo in RENOMBRADAS.items():
                if viejo in elemento and nuevo not in elemento:
                    lugar = f"{legible(doc.ruta)}:{doc.linea((seccion, i, viejo))}"
                    avisos.append(
                        (
                            lugar,
                            f"«{viejo}» ahora se llama «{nuevo}»; el archivo sigue "
                            f"funcionando, pero cámbielo a «{nuevo}»",
                        )
                    )
                    elemento[nuevo] = elemento.pop(viejo)
    return avisos


class _Lector:
    """Turns validated rule models into Regla objects, collecting every problem of the file.

    Conditions, conclusions and the check of each field's values are read by
    their own classes (``condiciones``, ``conclusiones``, ``valores``); this one
    puts rules and table rows together and knows where each problem is.
    """

    def __init__(self, doc: Documento, conocimiento: Conocimiento):
        self.doc = doc
        self.problemas: list[Problema] = []
        parametros = conocimiento.valores_parametros()
        campos = RevisorDeCampos(conocimiento, self._error)
        self.condiciones = LectorDeCondiciones(parametros, campos, self._error)
        self.conclusiones = LectorDeConclusiones(parametros, campos, self._error)

    def _error(self, loc: tuple, mensaje: str) -> None:
        self.problemas.append(self.doc.problema(loc, mensaje))

    def regla(self, r: ReglaArchivo, loc: Lugar) -> Regla | None:
        antes = len(self.problemas)
        condiciones: list[Condicion] = []
        ligadas: set[str] = set()
        for j, c in enumerate(r.si):
            condicion = self.condiciones.condicion(c, (*loc, "si", j), ligadas)
            if condicion is not None:
                condiciones.append(condicion)
                if isinstance(condicion, Patron):
                    ligadas |= condicion.variables()
        conclusiones = [
            self.conclusiones.conclusion(c, (*loc, "entonces", j), ligadas)
            for j, c in enumerate(r.entonces)
        ]
        if len(self.problemas) > antes:
            return None
        return self._nueva(r, r.id, condiciones, conclusiones, loc)

    def tabla(self, t: TablaArchivo, loc: Lugar) -> list[Regla | None]:
        for clave, tipo in (("si", t.si), ("entonces", t.entonces)):
            if tipo not in TIPOS:
                self._error(
                    (*loc, clave), f"tipo de hecho desconocido «{tipo}»" + sugerencia(tipo, TIPOS)
                )
                return []
        filas, problemas = expandir(t, loc, TIPOS[t.entonces].campos)
        for lugar, mensaje in problemas:
            self._error(lugar, mensaje)
        return [self._fila(t, fila) for fila in filas]

    def _fila(self, t: TablaArchivo, fila: Fila) -> Regla | None:
        """A row read as its rule; problems point at the row's cells."""
        antes = len(self.problemas)
        patron = self.condiciones.patron(t.si, fila.condicion, fila.lugar, set(), fila.lugar_de)
        ligadas = patron.variables() if patron else set()
        conclusion = self.conclusiones.de_tipo(
            t.entonces, fila.conclusion, fila.lugar, ligadas, fila.lugar_de
        )
        if len(self.problemas) > antes or patron is None:
            return None
        return self._nueva(t, fila.id, [patron], [conclusion], fila.lugar)

    def _nueva(
        self,
        origen: ReglaArchivo | TablaArchivo,
        id_: str,
        condiciones: list[Condicion],
        conclusiones: list[Conclusion | None],
        loc: Lugar,
    ) -> Regla:
        return Regla(
            id=id_,
            descripcion=origen.descripcion,
            fuente=origen.fuente,
            prioridad=origen.prioridad,
            condiciones=tuple(condiciones),
            conclusiones=tuple(c for c in conclusiones if c is not None),
            archivo=legible(self.doc.ruta),
            linea=self.doc.linea(loc),
        )


def legible(ruta: Path) -> str:
    """The path as the user would type it: relative to the working folder when inside it."""
    try:
        return str(ruta.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(ruta)
