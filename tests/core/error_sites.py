"""Every place in ``src/`` that raises a store error, found by reading the source (AST), helpers followed.

A raise builds ``StoreError`` (or a subclass) with keywords: ``code=`` (stable), ``params=`` (a dict literal) and
optionally ``message=`` (another catalogue key than ``errors.<code>``). Helpers such as ``check_text(value, 200,
code="bad_name", field="name")`` forward their own parameters to the construction; their call sites are followed
(through imports, recursively) so that each concrete raise is known with its code, message key and parameter
names. Used by ``test_docs.py`` and ``tests/store/test_store_errors.py``.
"""

from __future__ import annotations

import ast
import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src"
ERROR_CLASSES = frozenset({"StoreError", "SecurityError", "AccessDenied", "AuthError", "WeakPassword"})


@dataclass(frozen=True)
class Site:
    """One concrete raise: where, the code, the catalogue key (after ``errors.``), the parameter names and the
    values of the ``field`` parameter (labels ``errors.field.<value>``)."""

    where: str
    code: str
    key: str
    params: frozenset[str]
    fields: frozenset[str]


class Unresolved(Exception):
    """A construction the scan cannot read (positional code, params not a dict literal…)."""


@dataclass
class _Module:
    name: str
    path: Path
    tree: ast.Module
    defs: dict[str, ast.FunctionDef]
    imports: dict[str, tuple[str, str]]  # local name -> (module, name)


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@cache
def modules() -> dict[str, _Module]:
    found: dict[str, _Module] = {}
    for path in sorted((SRC / "competency_graph").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        name = _module_name(path)
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        defs = {n.name: n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)}
        imports: dict[str, tuple[str, str]] = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                base = package
                for _ in range(max(node.level - 1, 0)):
                    base = base.rpartition(".")[0]
                source = (f"{base}.{node.module}" if node.module else base) if node.level else (node.module or "")
                for alias in node.names:
                    imports[alias.asname or alias.name] = (source, alias.name)
        found[name] = _Module(name, path, tree, defs, imports)
    return found


def _lookup(module: str, name: str, depth: int = 0) -> tuple[str, ast.FunctionDef] | None:
    """The function ``name`` seen from ``module`` (defined there, or imported, following re-exports)."""
    mod = modules().get(module)
    if mod is None or depth > 5:
        return None
    if name in mod.defs:
        return module, mod.defs[name]
    if name in mod.imports:
        source, original = mod.imports[name]
        return _lookup(source, original, depth + 1)
    return None


def _called_name(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Name):
        return call.func.id
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return None


def _parents(tree: ast.AST) -> dict[ast.AST, ast.FunctionDef | None]:
    """Each node -> its innermost enclosing function (None at module level)."""
    owner: dict[ast.AST, ast.FunctionDef | None] = {}

    def visit(node: ast.AST, current: ast.FunctionDef | None) -> None:
        for child in ast.iter_child_nodes(node):
            owner[child] = current
            visit(child, child if isinstance(child, ast.FunctionDef) else current)

    visit(tree, None)
    return owner


def _params(fn: ast.FunctionDef) -> tuple[list[str], str | None, dict[str, ast.expr]]:
    """Named parameters (positional order, then keyword-only), the ``**kwargs`` name, and the defaults."""
    args = fn.args
    positional = [a.arg for a in [*args.posonlyargs, *args.args]]
    defaults = dict(zip(positional[len(positional) - len(args.defaults):], args.defaults, strict=True))
    for a, d in zip(args.kwonlyargs, args.kw_defaults, strict=True):
        if d is not None:
            defaults[a.arg] = d
    return [*positional, *(a.arg for a in args.kwonlyargs)], args.kwarg.arg if args.kwarg else None, defaults


# An environment maps a helper's parameter names to the call site's expressions (already resolved one level up):
# a value is a frozenset of possible constants, or for ``**kwargs`` the frozenset of keyword names given.
Env = dict[str, frozenset[object]]


def _values(expr: ast.expr | None, env: Env, fn: ast.FunctionDef | None) -> frozenset[object]:
    if expr is None:
        return frozenset({None})
    if isinstance(expr, ast.Constant):
        return frozenset({expr.value})
    if isinstance(expr, ast.IfExp):
        return _values(expr.body, env, fn) | _values(expr.orelse, env, fn)
    if isinstance(expr, ast.Name) and expr.id in env:
        return env[expr.id]
    return frozenset({...})  # computed at run time: fine for parameter values, refused for codes and keys


def _param_keys(expr: ast.expr | None, env: Env) -> tuple[frozenset[str], ast.Dict | None]:
    if expr is None:
        return frozenset(), None
    if isinstance(expr, ast.Dict):
        keys: set[str] = set()
        for key in expr.keys:
            if key is None:
                continue
            if not (isinstance(key, ast.Constant) and isinstance(key.value, str)):
                raise Unresolved("params keys must be string literals")
            keys.add(key.value)
        for key, value in zip(expr.keys, expr.values, strict=True):
            if key is None:  # **kwargs spread of a helper: the call site's extra keywords
                if not (isinstance(value, ast.Name) and f"**{value.id}" in env):
                    raise Unresolved("params may only spread the helper's **kwargs")
                keys |= {str(k) for k in env[f"**{value.id}"]}
        return frozenset(keys), expr
    raise Unresolved("params must be a dict literal")


def _bind(call: ast.Call, fn: ast.FunctionDef, outer: Env, outer_fn: ast.FunctionDef | None) -> Env:
    """The environment of ``fn`` for this call (its arguments resolved in the caller's environment)."""
    names, kwargs_name, defaults = _params(fn)
    if names and names[0] in ("self", "cls"):
        names = names[1:]
    env: Env = {}
    for name, arg in zip(names, call.args, strict=False):
        env[name] = _values(arg, outer, outer_fn)
    extra: set[str] = set()
    for kw in call.keywords:
        if kw.arg is None:
            raise Unresolved("no **spread at a helper's call site")
        if kw.arg in names:
            env[kw.arg] = _values(kw.value, outer, outer_fn)
        else:
            extra.add(kw.arg)
    for name, default in defaults.items():
        env.setdefault(name, _values(default, {}, None))
    if kwargs_name:
        env[f"**{kwargs_name}"] = frozenset(extra)
    return env


def _constructions() -> Iterator[tuple[_Module, ast.Call, ast.FunctionDef | None]]:
    for mod in modules().values():
        owner = _parents(mod.tree)
        for node in ast.walk(mod.tree):
            if isinstance(node, ast.Call) and _called_name(node) in ERROR_CLASSES:
                fn = owner.get(node)
                if fn is not None and fn.name == "__init__" and mod.name.endswith(".errors"):
                    continue  # the classes themselves
                yield mod, node, fn


@cache
def _defined_in() -> dict[str, list[str]]:
    """Function name -> the modules defining it (for method calls, ``self._deny(...)``)."""
    where: dict[str, list[str]] = {}
    for mod in modules().values():
        for name in mod.defs:
            where.setdefault(name, []).append(mod.name)
    return where


@cache
def _call_sites() -> dict[tuple[str, str], list[tuple[_Module, ast.Call, ast.FunctionDef | None]]]:
    """(module, function) -> the calls of that function anywhere in src/."""
    sites: dict[tuple[str, str], list[tuple[_Module, ast.Call, ast.FunctionDef | None]]] = {}
    for mod in modules().values():
        owner = _parents(mod.tree)
        for node in ast.walk(mod.tree):
            if not isinstance(node, ast.Call) or (name := _called_name(node)) is None:
                continue
            target = _lookup(mod.name, name)
            if target is None and isinstance(node.func, ast.Attribute) and len(_defined_in().get(name, [])) == 1:
                target = _lookup(_defined_in()[name][0], name)
            if target is not None:
                sites.setdefault((target[0], target[1].name), []).append((mod, node, owner.get(node)))
    return sites


def _names(expr: ast.AST | None) -> set[str]:
    return {n.id for n in ast.walk(expr) if isinstance(n, ast.Name)} if expr is not None else set()


def _needed(call: ast.Call, fn: ast.FunctionDef) -> set[str]:
    """The parameters of ``fn`` this construction needs from the callers: in code=, message=, params' field
    value, and the **kwargs it spreads (its keyword names)."""
    keywords = {kw.arg: kw.value for kw in call.keywords}
    used = _names(keywords.get("code")) | _names(keywords.get("message"))
    params = keywords.get("params")
    if isinstance(params, ast.Dict):
        for key, value in zip(params.keys, params.values, strict=True):
            if key is None or (isinstance(key, ast.Constant) and key.value == "field"):
                used |= _names(value)
    names, kwargs_name, _ = _params(fn)
    return used & {*names, *([kwargs_name] if kwargs_name else [])}


def _envs(module: str, fn: ast.FunctionDef, needed: set[str], depth: int = 0) -> Iterator[Env]:
    """Every environment ``fn`` is called with (one per call site, recursively through helper chains while
    the ``needed`` parameters come from the caller's own parameters)."""
    if depth > 6:
        raise Unresolved(f"helper chain too deep at {fn.name}")
    names, _, _ = _params(fn)
    bound = [n for n in names if n not in ("self", "cls")]
    for mod, call, caller in _call_sites().get((module, fn.name), []):
        args = {name: arg for name, arg in zip(bound, call.args, strict=False)}
        args.update({kw.arg: kw.value for kw in call.keywords if kw.arg is not None})
        from_caller: set[str] = set()
        if caller is not None:
            caller_names = set(_params(caller)[0])
            for name in needed:
                from_caller |= _names(args.get(name)) & caller_names
        outer_envs = list(_envs(mod.name, caller, from_caller, depth + 1)) if from_caller and caller else [{}]
        for outer in outer_envs:
            yield _bind(call, fn, outer, caller)


def sites() -> list[Site]:
    """Every concrete raise of a store error in src/, helpers followed."""
    found: list[Site] = []
    for mod, call, fn in _constructions():
        keywords = {kw.arg: kw.value for kw in call.keywords}
        where = f"{mod.path.relative_to(ROOT)}:{call.lineno}"
        if call.args or None in keywords:
            raise Unresolved(f"{where}: name code=, params=, message= as keywords")
        if "code" not in keywords:
            raise Unresolved(f"{where}: no code=")
        needed = _needed(call, fn) if fn is not None else set()
        envs = list(_envs(mod.name, fn, needed)) if fn is not None and needed else [{}]
        if not envs:
            raise Unresolved(f"{where}: a helper nobody calls")
        for env in envs:
            codes = _values(keywords["code"], env, fn)
            messages = _values(keywords.get("message"), env, fn)
            keys, literal = _param_keys(keywords.get("params"), env)
            fields: frozenset[object] = frozenset()
            if literal is not None:
                for k, v in zip(literal.keys, literal.values, strict=True):
                    if isinstance(k, ast.Constant) and k.value == "field":
                        fields = _values(v, env, fn)
            for code, message in itertools.product(codes, messages):
                if not isinstance(code, str) or not (message is None or isinstance(message, str)):
                    raise Unresolved(f"{where}: code and message must be literals (or a helper's parameters)")
                if ... in fields:
                    raise Unresolved(f"{where}: the field parameter must be a literal")
                found.append(Site(where, code, message or code, keys, frozenset(str(f) for f in fields)))
    return found
