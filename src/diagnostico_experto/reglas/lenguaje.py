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

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from diagnostico_experto.comun.archivos_yaml import Documento, leer
from diagnostico_experto.comun.errores import ErrorEntrada, Problema, sugerencia
from diagnostico_experto.comun.memoria import contenido, recordar
from diagnostico_experto.comun.restricciones import (
    OPERADORES,
    Operacion,
    Restriccion,
    es_parametro,
    es_variable,
    interpretar,
    simple,
)
from diagnostico_experto.conocimiento.carpeta import Conocimiento, cargar_conocimiento
from diagnostico_experto.reglas.hechos import TIPOS, dominio
from diagnostico_experto.reglas.regla import (
    PLANTILLA,
    Compara,
    Conclusion,
    Condicion,
    Negacion,
    Patron,
    Regla,
)

Id = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_\-]*$")]


class _Estricto(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ReglaArchivo(_Estricto):
    id: Id
    descripcion: str
    fuente: str = ""
    prioridad: int = 0
    si: list[dict[str, Any]] = Field(min_length=1)
    entonces: list[dict[str, Any]] = Field(min_length=1)


class TablaArchivo(_Estricto):
    id: Id
    descripcion: str
    fuente: str = ""
    prioridad: int = 0
    si: str  # fact type each row's condition columns describe
    columnas_si: list[str] = Field(min_length=1)
    entonces: str  # conclusion type each row asserts
    filas: list[dict[str, Any]] = Field(min_length=1)


class ArchivoReglas(_Estricto):
    descripcion: str = ""
    reglas: list[ReglaArchivo] = []
    tablas: list[TablaArchivo] = []


# --- loading -------------------------------------------------------------------


def cargar_reglas(carpeta: str | Path, conocimiento: Conocimiento) -> list[Regla]:
    """Every rule of every ``*.yaml`` file in the folder (not in subfolders)."""
    carpeta = Path(carpeta)
    if not carpeta.is_dir():
        raise ErrorEntrada.uno(carpeta, "la carpeta de reglas no existe")
    # The entry keeps the knowledge object alive, so its id is never reused by another.
    clave = ("reglas", id(conocimiento))
    reglas = recordar(
        clave,
        carpeta,
        lambda: _leer_reglas(carpeta, conocimiento),
        _clave_compartida(conocimiento),
        conservar=conocimiento,
    )
    return list(reglas)


def _clave_compartida(conocimiento: Conocimiento) -> tuple[str, ...] | None:
    """Across processes, rules depend on the knowledge folder's content (parameters, lists).

    Only knowledge exactly as its folder gives it qualifies: a variant built in
    memory (another parameter) has no key that another process could share.
    """
    try:
        de_su_carpeta = conocimiento is cargar_conocimiento(conocimiento.carpeta)
    except ErrorEntrada:
        return None
    if not de_su_carpeta:
        return None
    return ("reglas", str(conocimiento.carpeta.resolve()), contenido(conocimiento.carpeta))


def _leer_reglas(carpeta: Path, conocimiento: Conocimiento) -> list[Regla]:
    archivos = sorted(carpeta.glob("*.yaml"))
    if not archivos:
        raise ErrorEntrada.uno(carpeta, "la carpeta de reglas no tiene archivos .yaml")
    reglas: list[Regla] = []
    problemas: list[Problema] = []
    lugares: dict[str, str] = {}
    for ruta in archivos:
        doc = leer(ruta)
        try:
            nuevas = interpretar_archivo(doc, conocimiento)
        except ErrorEntrada as exc:
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
        raise ErrorEntrada(problemas)
    return reglas


def interpretar_archivo(doc: Documento, conocimiento: Conocimiento) -> list[Regla]:
    if doc.datos is None:
        return []
    archivo = doc.validar(ArchivoReglas)
    lector = _Lector(doc, conocimiento)
    reglas = [lector.regla(r, ("reglas", i)) for i, r in enumerate(archivo.reglas)]
    for i, tabla in enumerate(archivo.tablas):
        reglas.extend(lector.tabla(tabla, ("tablas", i)))
    if lector.problemas:
        raise ErrorEntrada(lector.problemas)
    return [r for r in reglas if r is not None]


class _Lector:
    """Turns validated rule models into Regla objects, collecting every problem."""

    def __init__(self, doc: Documento, conocimiento: Conocimiento):
        self.doc = doc
        self.conocimiento = conocimiento
        self.parametros = conocimiento.valores_parametros()
        self.problemas: list[Problema] = []

    def _error(self, loc: tuple, mensaje: str) -> None:
        self.problemas.append(self.doc.problema(loc, mensaje))

    def regla(self, r: ReglaArchivo, loc: tuple) -> Regla | None:
        antes = len(self.problemas)
        condiciones: list[Condicion] = []
        ligadas: set[str] = set()
        for j, c in enumerate(r.si):
            condicion = self.condicion(c, (*loc, "si", j), ligadas)
            if condicion is not None:
                condiciones.append(condicion)
                if isinstance(condicion, Patron):
                    ligadas |= condicion.variables()
        conclusiones = [
            self.conclusion(c, (*loc, "entonces", j), ligadas) for j, c in enumerate(r.entonces)
        ]
        if len(self.problemas) > antes:
            return None
        return Regla(
            id=r.id,
            descripcion=r.descripcion,
            fuente=r.fuente,
            prioridad=r.prioridad,
            condiciones=tuple(condiciones),
            conclusiones=tuple(c for c in conclusiones if c is not None),
            archivo=legible(self.doc.ruta),
            linea=self.doc.linea(loc),
        )

    def tabla(self, t: TablaArchivo, loc: tuple) -> list[Regla | None]:
        for clave, tipo in (("si", t.si), ("entonces", t.entonces)):
            if tipo not in TIPOS:
                self._error(
                    (*loc, clave), f"tipo de hecho desconocido «{tipo}»" + sugerencia(tipo, TIPOS)
                )
                return []
        campos_conclusion = TIPOS[t.entonces].campos
        reglas = []
        for k, fila in enumerate(t.filas):
            loc_fila = (*loc, "filas", k)
            faltan = [c for c in t.columnas_si if c not in fila]
            if faltan:
                self._error(loc_fila, f"faltan las columnas {', '.join(faltan)}")
                continue
            sobran = [c for c in fila if c not in t.columnas_si and c not in campos_conclusion]
            for c in sobran:
                self._error(
                    (*loc_fila, c), f"columna desconocida «{c}»" + sugerencia(c, campos_conclusion)
                )
            if sobran:
                continue
            valores = "-".join(str(fila[c]) for c in t.columnas_si)
            regla = ReglaArchivo.model_construct(
                id=f"{t.id}:{_slug(valores)}",
                descripcion=t.descripcion,
                fuente=t.fuente,
                prioridad=t.prioridad,
                si=[{t.si: {c: fila[c] for c in t.columnas_si}}],
                entonces=[{t.entonces: {c: v for c, v in fila.items() if c in campos_conclusion}}],
            )
            reglas.append(self._fila(regla, loc_fila))
        return reglas

    def _fila(self, regla: ReglaArchivo, loc: tuple) -> Regla | None:
        """A table row is a rule whose problems point at the row's line."""
        antes = len(self.problemas)
        resultado = self.regla(regla, loc)
        for i in range(antes, len(self.problemas)):
            p = self.problemas[i]
            self.problemas[i] = Problema(p.archivo, self.doc.linea(loc), p.campo, p.mensaje)
        return resultado

    # --- conditions --------------------------------------------------------

    def condicion(self, c: dict[str, Any], loc: tuple, ligadas: set[str]) -> Condicion | None:
        if len(c) != 1:
            self._error(loc, "cada condición es un solo elemento, por ejemplo «respuesta: {...}»")
            return None
        clave, cuerpo = next(iter(c.items()))
        if clave == "no":
            if not isinstance(cuerpo, Mapping) or len(cuerpo) != 1:
                self._error(
                    (*loc, "no"), "«no» lleva un solo hecho, por ejemplo «no: {servicio: {}}»"
                )
                return None
            tipo, campos = next(iter(cuerpo.items()))
            patron = self.patron(tipo, campos, (*loc, "no", tipo), ligadas)
            return Negacion(patron) if patron else None
        if clave == "compara":
            return self.compara(cuerpo, (*loc, "compara"), ligadas)
        return self.patron(clave, cuerpo, (*loc, clave), ligadas)

    def patron(self, tipo: str, campos: Any, loc: tuple, ligadas: set[str]) -> Patron | None:
        if tipo not in TIPOS:
            posibles = [*TIPOS, "no", "compara"]
            self._error(loc, f"condición desconocida «{tipo}»" + sugerencia(tipo, posibles))
            return None
        if campos is None:
            campos = {}
        if not isinstance(campos, Mapping):
            self._error(loc, "se espera un mapeo de campos, por ejemplo {area: estrategia}")
            return None
        restricciones = []
        for campo, especificacion in campos.items():
            if campo not in TIPOS[tipo].campos:
                self._error(
                    (*loc, campo),
                    f"«{tipo}» no tiene el campo «{campo}»; campos: {', '.join(TIPOS[tipo].campos)}."
                    + sugerencia(campo, TIPOS[tipo].campos),
                )
                continue
            try:
                restriccion = interpretar(especificacion, self.parametros)
            except ValueError as exc:
                self._error((*loc, campo), str(exc))
                continue
            self._revisar_valores(tipo, campo, restriccion, dict(campos), (*loc, campo))
            restricciones.append((str(campo), restriccion))
        return Patron(tipo, tuple(restricciones))

    def _revisar_valores(
        self, tipo: str, campo: str, restriccion: Restriccion, campos: dict, loc: tuple
    ) -> None:
        """Literals must be values the field can take (areas, levels, options…)."""
        permitidos = dominio(tipo, campo, self.conocimiento)
        if tipo == "respuesta" and campo == "valor":
            permitidos = self._opciones_de(campos.get("pregunta"))
        if permitidos is None:
            return
        for op in restriccion.operaciones:
            if op.operador not in ("igual", "distinto", "en", "fuera_de", "contiene"):
                continue
            operandos = op.operando if isinstance(op.operando, tuple) else (op.operando,)
            for v in operandos:
                if v not in permitidos:
                    self._error(
                        loc,
                        f"«{v}» no es un valor posible de {tipo}.{campo}"
                        + sugerencia(str(v), [str(p) for p in permitidos]),
                    )

    def _opciones_de(self, pregunta_id: Any) -> list[Any] | None:
        pregunta = self.conocimiento.cuestionario.por_id.get(str(pregunta_id))
        if pregunta is None or pregunta.tipo in ("numero", "texto"):
            return None
        return [*pregunta.valores(), "no_sabe"]

    def compara(self, cuerpo: Any, loc: tuple, ligadas: set[str]) -> Compara | None:
        if not (isinstance(cuerpo, list) and len(cuerpo) == 3):
            self._error(loc, "«compara» lleva tres elementos: [?a, operador, ?b o valor]")
            return None
        if any(_variable_mal_leida(x) for x in cuerpo):
            self._error(
                loc, 'dentro de [ ] una variable ?nombre va entre comillas: ["?a", distinto, "?b"]'
            )
            return None
        izquierda, operador, derecha = (simple(x) for x in cuerpo)
        if operador not in OPERADORES:
            self._error(
                loc, f"operador «{operador}» no válido en «compara»; use: {', '.join(OPERADORES)}"
            )
            return None
        for v in (izquierda, derecha):
            if es_variable(v) and v[1:] not in ligadas:
                self._error(loc, f"la variable {v} no está ligada en una condición anterior")
                return None
        if not es_variable(izquierda):
            self._error(loc, "el primer elemento de «compara» debe ser una variable (?nombre)")
            return None
        if es_variable(derecha):
            return Compara(izquierda[1:], Operacion(operador, None), derecha[1:])
        try:
            operacion = interpretar({operador: derecha}, self.parametros).operaciones[0]
        except ValueError as exc:
            self._error(loc, str(exc))
            return None
        return Compara(izquierda[1:], operacion)

    # --- conclusions -------------------------------------------------------

    def conclusion(self, c: dict[str, Any], loc: tuple, ligadas: set[str]) -> Conclusion | None:
        if len(c) != 1:
            self._error(loc, "cada conclusión es un solo elemento, por ejemplo «nivel: {...}»")
            return None
        tipo, campos = next(iter(c.items()))
        concluibles = [t for t, d in TIPOS.items() if d.conclusion]
        if tipo not in concluibles:
            self._error(
                (*loc, tipo),
                f"no se puede concluir «{tipo}»; se puede: {', '.join(concluibles)}."
                + sugerencia(tipo, concluibles),
            )
            return None
        if not isinstance(campos, Mapping):
            self._error((*loc, tipo), "se espera un mapeo de campos")
            return None
        definicion = TIPOS[tipo]
        valores: list[tuple[str, Any]] = []
        parametros: list[tuple[str, str]] = []
        for campo in definicion.campos:
            if campo not in campos and campo not in definicion.opcionales:
                self._error((*loc, tipo), f"falta el campo «{campo}» en la conclusión «{tipo}»")
        for campo, valor in campos.items():
            loc_campo = (*loc, tipo, campo)
            if campo not in definicion.campos:
                self._error(
                    loc_campo,
                    f"«{tipo}» no tiene el campo «{campo}»" + sugerencia(campo, definicion.campos),
                )
                continue
            valor = simple(valor)
            if es_variable(valor):
                if valor[1:] not in ligadas:
                    self._error(loc_campo, f"la variable {valor} no está ligada en las condiciones")
                    continue
                valores.append((campo, ("?", valor[1:])))
                continue
            if es_parametro(valor):
                nombre = valor[1:]
                if nombre not in self.parametros:
                    self._error(
                        loc_campo,
                        f"parámetro desconocido «{nombre}»" + sugerencia(nombre, self.parametros),
                    )
                    continue
                valores.append((campo, self.parametros[nombre]))
                parametros.append((campo, nombre))
                continue
            if isinstance(valor, str) and PLANTILLA.search(valor):
                for variable in PLANTILLA.findall(valor):
                    if variable not in ligadas:
                        self._error(
                            loc_campo,
                            f"la variable {{{variable}}} no está ligada en las condiciones",
                        )
                valores.append((campo, ("texto", valor)))
                continue
            permitidos = dominio(tipo, campo, self.conocimiento)
            if permitidos is not None and valor not in permitidos:
                self._error(
                    loc_campo,
                    f"«{valor}» no es un valor posible de {tipo}.{campo}"
                    + sugerencia(str(valor), [str(p) for p in permitidos]),
                )
                continue
            valores.append((campo, valor))
        return Conclusion(str(tipo), tuple(valores), tuple(parametros))


def legible(ruta: Path) -> str:
    """The path as the user would type it: relative to the working folder when inside it."""
    try:
        return str(ruta.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(ruta)


def _variable_mal_leida(elemento: Any) -> bool:
    """YAML reads an unquoted ``?a`` inside [ ] as the mapping {a: None}."""
    return isinstance(elemento, Mapping) and len(elemento) == 1 and None in elemento.values()


def _slug(texto: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", texto.lower()).strip("-")
