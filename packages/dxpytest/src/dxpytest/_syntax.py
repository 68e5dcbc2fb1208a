"""The one module that parses Python source: tree-sitter in, a small outline of a module out.

The outline keeps only what test discovery needs: top-level and class-level definitions in
source order, their decorators and parameters, imports and simple assignments. Expressions
that discovery has to evaluate (decorator arguments, ``pytestmark``) become `Expr` values:
literals are evaluated, calls and collections keep their structure, anything else is opaque.
"""

from __future__ import annotations

import ast
import functools
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tree_sitter import Node, Parser

_LITERAL_TYPES = frozenset(
    {"string", "concatenated_string", "integer", "float", "true", "false", "none", "unary_operator"}
)
_COLLECTION_TYPES = {"list": "list", "tuple": "tuple", "set": "set", "parenthesized_expression": "paren"}


@dataclass(frozen=True)
class Literal:
    """A value known from the source alone (str, bytes, numbers, bools, None)."""

    value: Any


@dataclass(frozen=True)
class Sequence:
    """A list, tuple or set display whose elements are themselves expressions."""

    kind: str
    elements: tuple[Expr, ...]


@dataclass(frozen=True)
class Call:
    """A call of a dotted name, such as ``pytest.param(1, id="one")``."""

    function: str | None
    args: tuple[Expr, ...]
    kwargs: tuple[tuple[str, Expr], ...]
    has_star: bool = False

    def keyword(self, name: str) -> Expr | None:
        """Return the keyword argument `name`, or None."""
        for key, value in self.kwargs:
            if key == name:
                return value
        return None


@dataclass(frozen=True)
class Name:
    """A dotted name such as ``pytest.mark.slow``."""

    dotted: str


@dataclass(frozen=True)
class Opaque:
    """An expression whose value is only known at run time; `kind` is tree-sitter's node type."""

    text: str
    kind: str = ""


Expr = Literal | Sequence | Call | Name | Opaque


@dataclass(frozen=True)
class Parameter:
    """One parameter of a function definition."""

    name: str
    kind: str  # "positional", "positional_only", "keyword_only", "var_positional", "var_keyword"
    has_default: bool


@dataclass
class Function:
    """A ``def`` or ``async def``."""

    name: str
    line: int
    decorators: list[Expr]
    parameters: list[Parameter]
    is_async: bool
    is_generator: bool


@dataclass
class Class:
    """A ``class`` statement with its own body outline."""

    name: str
    line: int
    decorators: list[Expr]
    bases: list[Expr]
    keywords: list[tuple[str, Expr]]
    body: list[Statement] = field(default_factory=list)


@dataclass
class Assign:
    """A plain assignment; `targets` are simple names, `attribute_targets` dotted ones."""

    targets: list[str]
    attribute_targets: list[str]
    value: Expr
    line: int


@dataclass
class Import:
    """``import a.b as c`` (module "") or ``from .a import b as c``: one entry per bound name."""

    module: str
    level: int
    names: list[tuple[str, str]]  # (imported name, bound name); `import a.b as c` gives ("a.b", "c")
    line: int
    star: bool = False


@dataclass
class Other:
    """Any other statement; `binds` lists names it may define (in if/try/with/for blocks)."""

    kind: str
    line: int
    binds: list[str]


Statement = Function | Class | Assign | Import | Other


@dataclass
class Outline:
    """A parsed module: its statements in source order and whether the parse had errors.

    `identifiers` counts the names used by code that runs at import (module and class bodies,
    decorators, default values; not function bodies); `calls` lists the dotted callees there.
    """

    statements: list[Statement]
    has_errors: bool
    identifiers: dict[str, int] = field(default_factory=dict)
    calls: list[str] = field(default_factory=list)


@functools.cache
def _parser() -> Parser:
    import tree_sitter_python
    from tree_sitter import Language, Parser

    return Parser(Language(tree_sitter_python.language()))


def parse_module(source: bytes) -> Outline:
    """Parse Python `source` into an `Outline`.

    Args:
        source: The module's bytes (UTF-8).

    Returns:
        The outline; `has_errors` is true when tree-sitter found a syntax error.
    """
    tree = _parser().parse(source)
    root = tree.root_node
    outline = Outline(_statements(root), root.has_error)
    _import_time_references(root, outline)
    return outline


def _import_time_references(node: Node, outline: Outline) -> None:
    stack = [node]
    while stack:
        current = stack.pop()
        kind = current.type
        if kind == "identifier":
            name = _text(current)
            outline.identifiers[name] = outline.identifiers.get(name, 0) + 1
        elif kind == "call":
            function = current.child_by_field_name("function")
            dotted = _dotted(function) if function is not None else None
            if dotted:
                outline.calls.append(dotted)
        for child in current.named_children:
            if kind in ("function_definition", "lambda") and child.type in ("block", "expression_statement"):
                continue
            if kind == "function_definition" and child == current.child_by_field_name("body"):
                continue
            stack.append(child)


def _text(node: Node) -> str:
    return (node.text or b"").decode("utf-8", "replace")


def _statements(block: Node) -> list[Statement]:
    result: list[Statement] = []
    for node in block.named_children:
        statement = _statement(node)
        if statement is not None:
            result.append(statement)
    return result


def _statement(node: Node) -> Statement | None:
    kind = node.type
    line = node.start_point[0] + 1
    if kind == "comment":
        return None
    if kind == "decorated_definition":
        return _decorated(node)
    if kind == "function_definition":
        return _function(node, [])
    if kind == "class_definition":
        return _class(node, [])
    if kind == "expression_statement" and node.named_child_count == 1:
        inner = node.named_children[0]
        if inner.type == "assignment":
            return _assignment(inner, line)
        if inner.type in ("string", "concatenated_string"):
            return None
    if kind in ("import_statement", "import_from_statement", "future_import_statement"):
        return _import(node, line)
    return Other(kind, line, sorted(_bound_names(node)))


def _decorated(node: Node) -> Statement:
    decorators = [
        _expr(child.named_children[0]) for child in node.named_children if child.type == "decorator"
    ]
    definition = node.child_by_field_name("definition")
    assert definition is not None
    if definition.type == "class_definition":
        return _class(definition, decorators)
    return _function(definition, decorators)


def _function(node: Node, decorators: list[Expr]) -> Function:
    name_node = node.child_by_field_name("name")
    parameters_node = node.child_by_field_name("parameters")
    body = node.child_by_field_name("body")
    is_async = any(child.type == "async" for child in node.children)
    return Function(
        name=_text(name_node) if name_node else "",
        line=node.start_point[0] + 1,
        decorators=decorators,
        parameters=_parameters(parameters_node) if parameters_node else [],
        is_async=is_async,
        is_generator=body is not None and _contains_yield(body),
    )


def _contains_yield(node: Node) -> bool:
    for child in node.named_children:
        if child.type == "yield":
            return True
        if child.type in ("function_definition", "class_definition", "lambda", "decorated_definition"):
            continue
        if _contains_yield(child):
            return True
    return False


def _parameters(node: Node) -> list[Parameter]:
    result: list[Parameter] = []
    keyword_only = False
    for child in node.named_children:
        kind = child.type
        if kind == "positional_separator":
            result = [Parameter(p.name, "positional_only", p.has_default) for p in result]
        elif kind == "keyword_separator":
            keyword_only = True
        elif kind == "list_splat_pattern":
            result.append(Parameter(_text(child).lstrip("*"), "var_positional", False))
            keyword_only = True
        elif kind == "dictionary_splat_pattern":
            result.append(Parameter(_text(child).lstrip("*"), "var_keyword", False))
        else:
            name, has_default = _parameter_name(child)
            result.append(Parameter(name, "keyword_only" if keyword_only else "positional", has_default))
    return result


def _parameter_name(node: Node) -> tuple[str, bool]:
    if node.type == "identifier":
        return _text(node), False
    if node.type == "typed_parameter":
        return _text(node.named_children[0]), False
    name = node.child_by_field_name("name")
    return (_text(name) if name else _text(node)), True


def _class(node: Node, decorators: list[Expr]) -> Class:
    name_node = node.child_by_field_name("name")
    superclasses = node.child_by_field_name("superclasses")
    bases: list[Expr] = []
    keywords: list[tuple[str, Expr]] = []
    if superclasses is not None:
        for child in superclasses.named_children:
            if child.type == "keyword_argument":
                key = child.child_by_field_name("name")
                value = child.child_by_field_name("value")
                if key is not None and value is not None:
                    keywords.append((_text(key), _expr(value)))
            elif child.type != "comment":
                bases.append(_expr(child))
    body = node.child_by_field_name("body")
    return Class(
        name=_text(name_node) if name_node else "",
        line=node.start_point[0] + 1,
        decorators=decorators,
        bases=bases,
        keywords=keywords,
        body=_statements(body) if body is not None else [],
    )


def _assignment(node: Node, line: int) -> Statement:
    targets: list[str] = []
    attributes: list[str] = []
    current = node
    value: Node | None = None
    while True:
        left = current.child_by_field_name("left")
        right = current.child_by_field_name("right")
        if left is not None:
            if left.type == "identifier":
                targets.append(_text(left))
            elif left.type == "attribute":
                attributes.append(_text(left))
            else:
                return Other("assignment", line, sorted(_pattern_names(left)))
        if right is not None and right.type == "assignment":
            current = right
            continue
        value = right
        break
    if value is None:  # an annotation without a value
        return Other("annotation", line, targets)
    return Assign(targets, attributes, _expr(value), line)


def _pattern_names(node: Node) -> set[str]:
    if node.type == "identifier":
        return {_text(node)}
    names: set[str] = set()
    for child in node.named_children:
        names |= _pattern_names(child)
    return names


def _import(node: Node, line: int) -> Import:
    if node.type == "future_import_statement":
        return Import("__future__", 0, [], line)
    if node.type == "import_statement":
        names: list[tuple[str, str]] = []
        for child in node.named_children:
            if child.type == "aliased_import":
                dotted = _text(child.child_by_field_name("name") or child)
                alias = child.child_by_field_name("alias")
                names.append((dotted, _text(alias) if alias else dotted.split(".")[0]))
            elif child.type == "dotted_name":
                dotted = _text(child)
                names.append((dotted.split(".")[0], dotted.split(".")[0]))
        return Import("", 0, names, line)
    module_node = node.child_by_field_name("module_name")
    module_text = _text(module_node) if module_node else ""
    level = len(module_text) - len(module_text.lstrip("."))
    result = Import(module_text.lstrip("."), level, [], line)
    for child in node.named_children:
        if child == module_node:
            continue
        if child.type == "wildcard_import":
            result.star = True
        elif child.type == "aliased_import":
            name = _text(child.child_by_field_name("name") or child)
            alias = child.child_by_field_name("alias")
            result.names.append((name, _text(alias) if alias else name))
        elif child.type == "dotted_name":
            result.names.append((_text(child), _text(child)))
    return result


def _bound_names(node: Node) -> set[str]:
    """Names a compound statement may bind: defs, classes, assignment targets, imports."""
    names: set[str] = set()
    for child in node.named_children:
        kind = child.type
        if kind in ("function_definition", "class_definition"):
            name = child.child_by_field_name("name")
            if name is not None:
                names.add(_text(name))
            continue
        if kind == "decorated_definition":
            definition = child.child_by_field_name("definition")
            name = definition.child_by_field_name("name") if definition else None
            if name is not None:
                names.add(_text(name))
            continue
        if kind == "assignment":
            left = child.child_by_field_name("left")
            if left is not None:
                names |= _pattern_names(left)
        if node.type == "delete_statement":
            names |= _pattern_names(child)
        if kind in ("aliased_import", "dotted_name") and node.type in (
            "import_statement",
            "import_from_statement",
        ):
            names.add(_text(child).split(" as ")[-1].split(".")[0])
        if kind in ("lambda", "generator_expression", "list_comprehension"):
            continue
        names |= _bound_names(child)
    return names


def _expr(node: Node) -> Expr:
    kind = node.type
    if kind in _LITERAL_TYPES:
        return _literal(node)
    if kind in ("identifier", "attribute"):
        dotted = _dotted(node)
        return Name(dotted) if dotted else Opaque(_text(node), kind)
    if kind == "call":
        return _call(node)
    if kind in _COLLECTION_TYPES:
        elements = tuple(_expr(child) for child in node.named_children if child.type != "comment")
        if kind == "parenthesized_expression":
            return elements[0] if len(elements) == 1 else Opaque(_text(node), kind)
        return Sequence(_COLLECTION_TYPES[kind], elements)
    return Opaque(_text(node), kind)


def _literal(node: Node) -> Expr:
    text = _text(node)
    try:
        return Literal(ast.literal_eval(text))
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return Opaque(text, node.type)


def _dotted(node: Node) -> str | None:
    if node.type == "identifier":
        return _text(node)
    if node.type == "attribute":
        obj = node.child_by_field_name("object")
        attr = node.child_by_field_name("attribute")
        if obj is None or attr is None:
            return None
        head = _dotted(obj)
        return f"{head}.{_text(attr)}" if head else None
    return None


def _call(node: Node) -> Expr:
    function = node.child_by_field_name("function")
    arguments = node.child_by_field_name("arguments")
    if arguments is None or arguments.type != "argument_list":
        return Opaque(_text(node), "call")
    args: list[Expr] = []
    kwargs: list[tuple[str, Expr]] = []
    has_star = False
    for child in arguments.named_children:
        if child.type == "keyword_argument":
            key = child.child_by_field_name("name")
            value = child.child_by_field_name("value")
            if key is not None and value is not None:
                kwargs.append((_text(key), _expr(value)))
        elif child.type in ("list_splat", "dictionary_splat"):
            has_star = True
        elif child.type != "comment":
            args.append(_expr(child))
    return Call(_dotted(function) if function else None, tuple(args), tuple(kwargs), has_star)
