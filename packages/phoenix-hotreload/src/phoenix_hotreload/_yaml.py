"""YAML parsing: PyYAML's safe loader (the C one when present), strict keys, node-count cap."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from phoenix_hotreload._errors import ConfigParseError, ConfigTooLarge, Problem

_CBase: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_TAG_CACHE_SIZE = 4_096
_TAG_CACHE_LENGTH = 64
_tags: dict[str, str] = {}
"""Implicit tags of short plain scalars: a config's keys and values repeat from save to save,
and PyYAML's resolver tries a list of regexes for each one."""


class _BaseLoader(_CBase):  # type: ignore[valid-type,misc]
    """PyYAML's safe loader (the C parser when present) remembering implicit scalar tags."""

    def resolve(self, kind: type[yaml.Node], value: Any, implicit: Any) -> Any:
        if kind is not yaml.ScalarNode or not implicit[0] or len(value) > _TAG_CACHE_LENGTH:
            return super().resolve(kind, value, implicit)
        tag = _tags.get(value)
        if tag is None:
            tag = super().resolve(kind, value, implicit)
            if len(_tags) < _TAG_CACHE_SIZE:
                _tags[value] = tag
        return tag


class _StrictLoader(_BaseLoader):
    """Safe loader that rejects duplicate mapping keys."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue
            key = self.construct_object(key_node, deep=True)
            if isinstance(key, list | dict):
                continue
            if key in seen:
                raise _duplicate(node, key_node, key)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)  # type: ignore[no-any-return]


def _duplicate(node: yaml.Node, key_node: yaml.Node, key: Any) -> yaml.constructor.ConstructorError:
    return yaml.constructor.ConstructorError(
        "while constructing a mapping", node.start_mark, f"duplicate key {key!r}", key_node.start_mark
    )


def parse_yaml(text: str, path: Path, *, strict: bool = True, max_nodes: int = 100_000) -> Any:
    """Parse one YAML document safely.

    Args:
        text: the document.
        path: where it came from (for error messages).
        strict: reject duplicate mapping keys.
        max_nodes: cap on the node count with every alias expanded (alias bombs).

    Returns:
        The parsed data; ``{}`` for an empty document.

    Raises:
        ConfigParseError: on a syntax error or a duplicate key (with the line).
        ConfigTooLarge: when the expanded node count is over ``max_nodes``.
    """
    loader = (_StrictLoader if strict else _BaseLoader)(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return {}
        if _may_exceed(text, max_nodes) and _expanded_size(node, {}, max_nodes) > max_nodes:
            problem = Problem(f"more than {max_nodes} YAML nodes once aliases are expanded", path=path)
            raise ConfigTooLarge([problem])
        return _Builder(loader, strict).build(node)
    except ConfigTooLarge:
        raise
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else None
        message = " ".join(part for part in (error.context, error.problem) if part)
        raise ConfigParseError([Problem(f"YAML: {message}", path=path, line=line)]) from None
    except yaml.YAMLError as error:
        raise ConfigParseError([Problem(f"YAML: {error}", path=path)]) from None
    except (ValueError, TypeError, OverflowError, RecursionError) as error:
        raise ConfigParseError([Problem(f"YAML: {error}", path=path)]) from None
    finally:
        loader.dispose()


def _may_exceed(text: str, max_nodes: int) -> bool:
    """Whether the node count could pass the cap: through aliases, or by the text's length
    (without aliases a document has fewer nodes than twice its characters: a node takes at
    least one, an implicit null the one of the separator it follows)."""
    return "*" in text or 2 * len(text) + 1 >= max_nodes


_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"
_MERGE = "tag:yaml.org,2002:merge"


class _Builder:
    """Builds plain data from a composed node graph, the common cases without PyYAML's
    generator-based constructor (maps without merge keys, sequences, strings, integers);
    every other tag goes to the loader's own safe constructors, so the result is the same.

    A node reached twice (a YAML alias) gives the same object both times.
    """

    def __init__(self, loader: yaml.SafeLoader, strict: bool) -> None:
        self._loader = loader
        self._strict = strict
        self._built: dict[int, Any] = {}

    def build(self, node: yaml.Node) -> Any:
        built = self._built.get(id(node), _UNBUILT)
        if built is not _UNBUILT:
            return built
        tag = node.tag
        if tag == _STR and isinstance(node, yaml.ScalarNode):
            value: Any = node.value
        elif tag == _INT and isinstance(node, yaml.ScalarNode):
            value = self._loader.construct_yaml_int(node)
        elif tag == _MAP and isinstance(node, yaml.MappingNode) and not _has_merge(node):
            value = self._mapping(node)
        elif tag == _SEQ and isinstance(node, yaml.SequenceNode):
            value = []
            self._built[id(node)] = value
            value.extend(self.build(child) for child in node.value)
        else:
            value = self._loader.construct_object(node, deep=True)
        self._built[id(node)] = value
        return value

    def _mapping(self, node: yaml.MappingNode) -> dict[Any, Any]:
        mapping: dict[Any, Any] = {}
        self._built[id(node)] = mapping
        for key_node, value_node in node.value:
            key = self.build(key_node)
            try:
                present = key in mapping
            except TypeError:
                raise yaml.constructor.ConstructorError(
                    "while constructing a mapping",
                    node.start_mark,
                    "found unhashable key",
                    key_node.start_mark,
                ) from None
            if present and self._strict:
                raise _duplicate(node, key_node, key)
            mapping[key] = self.build(value_node)
        return mapping


_UNBUILT: Any = object()


def _has_merge(node: yaml.MappingNode) -> bool:
    return any(key_node.tag == _MERGE for key_node, _ in node.value)


def _expanded_size(node: yaml.Node, memo: dict[int, int], cap: int) -> int:
    """Node count of ``node`` with aliases expanded, computed once per distinct node."""
    key = id(node)
    if key in memo:
        return memo[key]
    memo[key] = cap + 1  # a node reached again while being sized is a cycle: over the cap
    total = 1
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            total += _expanded_size(key_node, memo, cap) + _expanded_size(value_node, memo, cap)
            if total > cap:
                break
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            total += _expanded_size(item, memo, cap)
            if total > cap:
                break
    memo[key] = total
    return total


def locate_yaml(text: str, field: tuple[str, ...]) -> int | None:
    """1-based line of the deepest key of ``field`` found in a YAML document."""
    try:
        node = yaml.compose(text, Loader=_BaseLoader)
    except yaml.YAMLError:
        return None
    line: int | None = None
    for segment in field:
        child = _child(node, segment)
        if child is None:
            break
        key_node, node = child
        line = key_node.start_mark.line + 1
    return line


def _child(node: yaml.Node | None, segment: str) -> tuple[yaml.Node, yaml.Node] | None:
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if isinstance(key_node, yaml.ScalarNode) and str(key_node.value) == segment:
                return key_node, value_node
    if isinstance(node, yaml.SequenceNode) and segment.isdigit() and int(segment) < len(node.value):
        item: yaml.Node = node.value[int(segment)]
        return item, item
    return None
