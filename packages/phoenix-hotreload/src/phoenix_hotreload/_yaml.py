"""YAML parsing: PyYAML's safe loader (the C one when present), strict keys, node-count cap."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from phoenix_hotreload._errors import ConfigParseError, ConfigTooLarge, Problem

_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _StrictLoader(_BaseLoader):  # type: ignore[valid-type,misc]
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
                mark = key_node.start_mark
                raise yaml.constructor.ConstructorError(
                    "while constructing a mapping", node.start_mark, f"duplicate key {key!r}", mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)  # type: ignore[no-any-return]


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
        if _expanded_size(node, {}, max_nodes) > max_nodes:
            problem = Problem(f"more than {max_nodes} YAML nodes once aliases are expanded", path=path)
            raise ConfigTooLarge([problem])
        return loader.construct_document(node)
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
