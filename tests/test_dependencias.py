"""Dependencies between areas as rule data: «reglas validar» checks that no rule concludes
what presupposes a missing element (issue 26, point 2)."""

from __future__ import annotations

from conftest import reglas_sin
from diagnostico_experto.consultores.linter import validar
from diagnostico_experto.reglas.lenguaje import cargar_reglas

SIN_GUARDAS = """reglas:
  - id: fusion-sin-nivel
    descripcion: Una fusión propuesta sin mirar el nivel de procesos.
    fuente: "§6.2.4 c"
    si:
      - grupo_servicios: {servicios: "?servicios", unidades: "?unidades", etapas: "?etapas"}
    entonces:
      - fusion:
          servicios: ?servicios
          unidades: ?unidades
          etapas: ?etapas
          tipo: fusion
          texto: Fusionar {servicios}.
  - id: ajuste-de-la-fusion
    descripcion: Un ajuste que lee la fusión sin guardia propia.
    fuente: "§6.2.4 d"
    prioridad: -5
    si:
      - fusion: {servicios: "?servicios"}
    entonces:
      - ajuste_estructura: {asunto: coordinacion, servicios: "?servicios", texto: Coordinar.}
  - id: estructura-antes-de-los-procesos
    descripcion: Una nueva estructura que no espera a los procesos estratégicos.
    fuente: "§6.2.4 d"
    si:
      - nivel_vigente: {area: estructura, nivel: bajo}
    entonces:
      - producto:
          area: estructura
          nivel: bajo
          clave: estructura
          texto: Nueva estructura de fomento productivo.
"""


def _hallazgos(tmp_path, conocimiento, extra: str, *sin: str) -> list[str]:
    carpeta = reglas_sin(tmp_path / "rules", *sin)
    (carpeta / "extra.yaml").write_text(extra, encoding="utf-8")
    reglas = cargar_reglas(carpeta, conocimiento)
    return [h.mensaje for h in validar(reglas, conocimiento) if "dependencia" in h.mensaje]


def test_las_reglas_incluidas_cumplen_sus_dependencias(motor):
    assert [
        h for h in validar(motor.reglas, motor.conocimiento) if "dependencia" in h.mensaje
    ] == []


def test_una_fusion_sin_procesos_definidos_y_una_estructura_antes_de_los_procesos(
    tmp_path, conocimiento
):
    # the adjustment reads a fusion that an unguarded rule concludes: it is not sure either,
    # but no dependency names adjustments; the fusion rule is the one to fix
    hallazgos = _hallazgos(tmp_path, conocimiento, SIN_GUARDAS)
    assert hallazgos == [
        "regla «fusion-sin-nivel»: concluye «fusion» sin asegurar que procesos esté en nivel "
        "medio o alto; dependencia «fusion-con-procesos-definidos», §6.2.4 c: Fusionar procesos "
        "o coordinar etapas presupone procesos definidos: la fusión está en la celda de nivel "
        "medio y se analizó en las comunas más avanzadas.",
        "regla «estructura-antes-de-los-procesos»: concluye «producto» sin asegurar que exista "
        "el elemento «procesos_estrategicos» de procesos o que vaya antes el producto "
        "«procesos_estrategicos» (requiere); dependencia «estructura-despues-de-los-procesos», "
        "§5.2 (con la identificación de los procesos estratégicos, se examinó la estructura); "
        "§6.2.4 d: La estructura se examina con los procesos estratégicos identificados: la "
        "nueva estructura, o su mejora, va después de identificarlos.",
    ]


def test_un_producto_que_logra_un_elemento_desconocido_es_un_error(tmp_path, conocimiento):
    carpeta = reglas_sin(tmp_path / "rules")
    (carpeta / "extra.yaml").write_text(
        """reglas:
  - id: producto-con-typo
    descripcion: Un producto que dice lograr un elemento mal escrito.
    fuente: "§6.2.4"
    si:
      - nivel_vigente: {area: procesos, nivel: bajo}
    entonces:
      - producto:
          area: procesos
          nivel: bajo
          logra: [par_cliente_produto]
          texto: Definir el par.
""",
        encoding="utf-8",
    )
    reglas = cargar_reglas(carpeta, conocimiento)
    assert [h.mensaje for h in validar(reglas, conocimiento) if "logra" in h.mensaje] == [
        "regla «producto-con-typo»: «logra» nombra el elemento «par_cliente_produto», que "
        "ninguna regla lee; el avance nunca contaría el producto como completado"
    ]
