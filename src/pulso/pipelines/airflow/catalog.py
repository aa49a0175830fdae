"""The pipeline's step graph read from the step modules' source, without importing them.

Airflow parses DAG files often (every 30 s by default, in a fresh process each time), so a DAG
file must not import pandas, scikit-learn or torch. The steps' names, dependencies, areas,
retries and whether they are partitioned are literal arguments of their ``@step(...)``
decorators, so they can be read from the source with :mod:`ast`; the task bodies import the
real steps when they run. A unit test checks that this reading equals the live registry.
"""

from __future__ import annotations

import ast
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pulso.errors import ConfigError

__all__ = ["StepSpec", "read_step_specs", "select_steps", "steps_directory"]

_DEFAULT_RETRIES = 1


@dataclass(frozen=True, slots=True)
class StepSpec:
    """What the DAG needs to know about a step: its name, upstream steps, area and retries."""

    name: str
    after: tuple[str, ...]
    area: str
    retries: int
    partitioned: bool


def steps_directory() -> Path:
    """The folder of the ``pulso.pipelines.steps`` modules."""
    return Path(__file__).resolve().parent.parent / "steps"


def _constants(tree: ast.Module) -> dict[str, Any]:
    """Module-level ``NAME = <literal>`` assignments (e.g. ``AREA = "retail"``)."""
    found: dict[str, Any] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            target, value = node.target, node.value
        else:
            continue
        if isinstance(target, ast.Name):
            try:
                found[target.id] = _literal(value, found)
            except ValueError:
                continue
    return found


def _literal(node: ast.expr, constants: dict[str, Any]) -> Any:
    if isinstance(node, ast.Name) and node.id in constants:
        return constants[node.id]
    if isinstance(node, ast.List | ast.Tuple):
        return [_literal(item, constants) for item in node.elts]
    try:
        return ast.literal_eval(node)
    except ValueError as exc:
        raise ValueError(ast.unparse(node)) from exc


def _is_step_decorator(node: ast.expr) -> bool:
    if not isinstance(node, ast.Call):
        return False
    func = node.func
    return (isinstance(func, ast.Name) and func.id == "step") or (
        isinstance(func, ast.Attribute) and func.attr == "step"
    )


def _spec(call: ast.Call, constants: dict[str, Any], *, where: str) -> StepSpec:
    try:
        name = _literal(call.args[0], constants)
        keywords = {k.arg: k.value for k in call.keywords if k.arg is not None}
        after = _literal(keywords["after"], constants) if "after" in keywords else []
        area = _literal(keywords["area"], constants)
        retries_node = keywords.get("retries")
        retries = _literal(retries_node, constants) if retries_node else _DEFAULT_RETRIES
    except (IndexError, KeyError, ValueError) as exc:
        raise ConfigError(
            f"{where}: the @step decorator's name, after, area and retries must be literals "
            f"or module constants (could not read {exc})"
        ) from exc
    partitioned = any(
        k.arg == "partitions" and not (isinstance(k.value, ast.Constant) and k.value.value is None)
        for k in call.keywords
    )
    return StepSpec(str(name), tuple(str(a) for a in after), str(area), int(retries), partitioned)


def _module_specs(path: Path) -> list[StepSpec]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    constants = _constants(tree)
    specs = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            for decorator in node.decorator_list:
                if _is_step_decorator(decorator):
                    assert isinstance(decorator, ast.Call)
                    where = f"{path.name}:{decorator.lineno}"
                    specs.append(_spec(decorator, constants, where=where))
    return specs


def _registered_modules(folder: Path) -> list[Path]:
    """The modules the package's ``__init__.py`` imports (what registers steps), else all."""
    init = folder / "__init__.py"
    modules = sorted(p for p in folder.glob("*.py") if p.name != "__init__.py")
    if not init.is_file():
        return modules
    package = "pulso.pipelines.steps"
    imported: set[str] = set()
    for node in ast.walk(ast.parse(init.read_text(encoding="utf-8"), filename=str(init))):
        if isinstance(node, ast.ImportFrom) and (node.module == package or node.level == 1):
            imported.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith(f"{package}."):
            imported.add(str(node.module).rsplit(".", 1)[1])
        elif isinstance(node, ast.Import):
            imported.update(
                a.name.rsplit(".", 1)[1] for a in node.names if a.name.startswith(f"{package}.")
            )
    return [path for path in modules if path.stem in imported]


def read_step_specs(directory: Path | None = None) -> list[StepSpec]:
    """Every ``@step`` of the step modules in ``directory`` (default: Pulso's).

    In a package, only the modules its ``__init__.py`` imports count, as only they register
    their steps; a folder without ``__init__.py`` counts every module.
    """
    folder = directory or steps_directory()
    specs: list[StepSpec] = []
    for path in _registered_modules(folder):
        specs.extend(_module_specs(path))
    names = [spec.name for spec in specs]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise ConfigError(f"pipeline step(s) declared twice: {', '.join(duplicates)}")
    return specs


def select_steps(specs: Iterable[StepSpec], *, areas: Collection[str]) -> list[StepSpec]:
    """The steps of the given areas, in declaration order."""
    return [spec for spec in specs if spec.area in areas]
