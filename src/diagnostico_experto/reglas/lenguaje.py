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

import math
from collections.abc import Callable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from diagnostico_experto.comun.archivos_yaml import Documento, leer
from diagnostico_experto.comun.errores import ErrorDiagnostico, ErrorReglas, Problema, sugerencia
from diagnostico_experto.comun.memoria import contenido, recordar
from diagnostico_experto.comun.restricciones import (
    NOMBRE_DE_TIPO,
    OPERADORES,
    OPERADORES_DE,
    Operacion,
    Restriccion,
    TipoValor,
    es_parametro,
    es_variable,
    interpretar,
    simple,
)
from diagnostico_experto.conocimiento.carpeta import Conocimiento, cargar_conocimiento
from diagnostico_experto.conocimiento.preguntas import NO_SABE, Pregunta
from diagnostico_experto.reglas.formato import (
    RENOMBRADAS,
    ArchivoReglas,
    ReglaArchivo,
    TablaArchivo,
)
from diagnostico_experto.reglas.hechos import TIPOS, dominio, tipo_de_campo
from diagnostico_experto.reglas.regla import (
    PLANTILLA,
    Compara,
    Conclusion,
    Condicion,
    Negacion,
    Patron,
    Regla,
)
from diagnostico_experto.reglas.tablas import Fila, Lugar, expandir

# --- loading -------------------------------------------------------------------


@ErrorReglas.al_leer()
def cargar_reglas(carpeta: str | Path, conocimiento: Conocimiento) -> list[Regla]:
    """Every rule of every ``*.yaml`` or ``*.yml`` file in the folder (not in subfolders)."""
    carpeta = Path(carpeta)
    if not carpeta.is_dir():
        raise ErrorReglas.uno(carpeta, "la carpeta de reglas no existe")
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
    """Turns validated rule models into Regla objects, collecting every problem."""

    def __init__(self, doc: Documento, conocimiento: Conocimiento):
        self.doc = doc
        self.conocimiento = conocimiento
        self.parametros = conocimiento.valores_parametros()
        self.problemas: list[Problema] = []

    def _error(self, loc: tuple, mensaje: str) -> None:
        self.problemas.append(self.doc.problema(loc, mensaje))

    def regla(self, r: ReglaArchivo, loc: Lugar) -> Regla | None:
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
        patron = self.patron(t.si, fila.condicion, fila.lugar, set(), fila.lugar_de)
        ligadas = patron.variables() if patron else set()
        conclusion = self._conclusion(
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

    def patron(
        self,
        tipo: str,
        campos: Any,
        loc: Lugar,
        ligadas: set[str],
        lugar_de: Callable[[str], Lugar] | None = None,
    ) -> Patron | None:
        """A fact pattern; ``lugar_de`` gives a field's place (a table's cell), else under loc."""
        lugar_de = lugar_de or (lambda campo: (*loc, campo))
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
                    lugar_de(campo),
                    f"«{tipo}» no tiene el campo «{campo}»; campos: {', '.join(TIPOS[tipo].campos)}."
                    + sugerencia(campo, TIPOS[tipo].campos),
                )
                continue
            try:
                restriccion = interpretar(especificacion, self.parametros)
            except ValueError as exc:
                self._error(lugar_de(campo), str(exc))
                continue
            if self._revisar_tipo(tipo, campo, restriccion, dict(campos), lugar_de(campo)):
                self._revisar_valores(tipo, campo, restriccion, dict(campos), lugar_de(campo))
            restricciones.append((str(campo), restriccion))
        return Patron(tipo, tuple(restricciones))

    def _pregunta(self, tipo: str, campo: str, campos: dict) -> Pregunta | None:
        """The question an answer's condition names literally (for its ``valor``)."""
        if (tipo, campo) != ("respuesta", "valor"):
            return None
        return self.conocimiento.cuestionario.por_id.get(str(simple(campos.get("pregunta"))))

    def _revisar_tipo(
        self, tipo: str, campo: str, restriccion: Restriccion, campos: dict, loc: tuple
    ) -> bool:
        """Operators and literals must be able to match the field's type; False if not."""
        pregunta = self._pregunta(tipo, campo, campos)
        clase = tipo_de_campo(tipo, campo, pregunta)
        if clase is None:
            return True  # an answer to a question named by a variable: any type
        sujeto = pregunta.id if pregunta else f"{tipo}.{campo}"
        que_es = pregunta.que_es() if pregunta else NOMBRE_DE_TIPO[clase]
        admite_no_sabe = pregunta is not None and pregunta.no_sabe
        for op in restriccion.operaciones:
            operandos = op.operando if op.operador in ("en", "fuera_de") else (op.operando,)
            if admite_no_sabe and op.operador in ("igual", "distinto") and op.operando == NO_SABE:
                continue  # "no sé" is a text whatever the question's type
            ejemplo = self._ejemplo(clase, tipo, campo, op.operando, pregunta)
            if op.operador not in OPERADORES_DE[clase]:
                if op.operador == "igual":
                    self._error(loc, f"{sujeto} es {que_es}: use {ejemplo}")
                else:
                    self._error(
                        loc,
                        f"«{op.operador}» no se aplica a {sujeto}, que es {que_es}: use {ejemplo}",
                    )
                return False
            if op.operador == "contiene":
                continue  # its operand is an element: the field's domain checks it
            for v in operandos:
                if not _es_del_tipo(v, clase) and not (admite_no_sabe and v == NO_SABE):
                    self._error(loc, f"{sujeto} es {que_es}: use {ejemplo}")
                    return False
        return True

    def _ejemplo(
        self, clase: TipoValor, tipo: str, campo: str, operando: Any, pregunta: Pregunta | None
    ) -> str:
        """A condition on this field that could match, built from what was written."""
        if pregunta is not None:
            posibles = [v for v in pregunta.valores() if v != NO_SABE]
        else:
            posibles = dominio(tipo, campo, self.conocimiento) or []
        escrito = operando[0] if isinstance(operando, tuple) and operando else operando
        valor = escrito if escrito in posibles else (posibles[0] if posibles else None)
        if clase == "lista":
            return f"{campo}: {{contiene: {valor if valor is not None else escrito}}}"
        if clase == "logico":
            return f"{campo}: true (o false)"
        if clase == "numero":
            if _es_del_tipo(escrito, "numero"):
                numero = escrito
            elif posibles:
                numero = posibles[len(posibles) // 2]
            else:
                numero = 0.5 if (tipo, campo) == ("puntaje", "valor") else 1
            return f"{campo}: {{al_menos: {numero}}}"
        propio = pregunta.ejemplo(campo) if pregunta is not None else None
        if propio is not None:
            return propio
        if valor is None and not isinstance(escrito, str):
            return f'{campo}: "un texto"'
        return f"{campo}: {valor if valor is not None else escrito}"

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
        posibles = pregunta.dominio() if pregunta is not None else None
        return None if posibles is None else [*posibles, NO_SABE]

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

    def conclusion(self, c: dict[str, Any], loc: Lugar, ligadas: set[str]) -> Conclusion | None:
        if len(c) != 1:
            self._error(loc, "cada conclusión es un solo elemento, por ejemplo «nivel: {...}»")
            return None
        tipo, campos = next(iter(c.items()))
        return self._conclusion(tipo, campos, (*loc, tipo), ligadas)

    def _conclusion(
        self,
        tipo: str,
        campos: Any,
        loc: Lugar,
        ligadas: set[str],
        lugar_de: Callable[[str], Lugar] | None = None,
    ) -> Conclusion | None:
        """A conclusion of type ``tipo``; problems of the whole at loc, of a field at its place."""
        lugar_de = lugar_de or (lambda campo: (*loc, campo))
        concluibles = [t for t, d in TIPOS.items() if d.conclusion]
        if tipo not in concluibles:
            self._error(
                loc,
                f"no se puede concluir «{tipo}»; se puede: {', '.join(concluibles)}."
                + sugerencia(tipo, concluibles),
            )
            return None
        if not isinstance(campos, Mapping):
            self._error(loc, "se espera un mapeo de campos")
            return None
        definicion = TIPOS[tipo]
        valores: list[tuple[str, Any]] = []
        parametros: list[tuple[str, str]] = []
        for campo in definicion.campos:
            if campo not in campos and campo not in definicion.opcionales:
                self._error(loc, f"falta el campo «{campo}» en la conclusión «{tipo}»")
        for campo, valor in campos.items():
            loc_campo = lugar_de(campo)
            if campo not in definicion.campos:
                self._error(
                    loc_campo,
                    f"«{tipo}» no tiene el campo «{campo}»" + sugerencia(campo, definicion.campos),
                )
                continue
            valor = simple(valor)
            if isinstance(valor, float) and not math.isfinite(valor):
                self._error(loc_campo, "debe ser un número finito (no .nan ni .inf)")
                continue
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
            clase = tipo_de_campo(tipo, campo)
            if clase is not None and not _es_del_tipo(valor, clase):
                self._error(
                    loc_campo, f"{tipo}.{campo} es {NOMBRE_DE_TIPO[clase]}: «{valor}» no lo es"
                )
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


def _es_del_tipo(valor: Any, clase: TipoValor) -> bool:
    if clase == "numero":
        return isinstance(valor, int | float) and not isinstance(valor, bool)
    if clase == "logico":
        return isinstance(valor, bool)
    if clase == "lista":
        return isinstance(valor, list | tuple)
    return isinstance(valor, str)


def _variable_mal_leida(elemento: Any) -> bool:
    """YAML reads an unquoted ``?a`` inside [ ] as the mapping {a: None}."""
    return isinstance(elemento, Mapping) and len(elemento) == 1 and None in elemento.values()
