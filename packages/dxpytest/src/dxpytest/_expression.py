"""pytest's ``-k``/``-m`` expression language.

Grammar (pytest's)::

    expression: expr? EOF
    expr:       and_expr ('or' and_expr)*
    and_expr:   not_expr ('and' not_expr)*
    not_expr:   'not' not_expr | '(' expr ')' | ident
    ident:      (\\w|:|\\+|-|\\.|\\[|\\]|\\\\|/)+

An identifier is true when the matcher says so: for ``-k`` a case-insensitive substring of
any of the test's names, for ``-m`` the name of one of its marks.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from dxpytest._errors import UsageError

_TOKEN = re.compile(r"[ \t]*(?:(\()|(\))|((?:\w|:|\+|-|\.|\[|\]|\\|/)+))")
_KEYWORDS = frozenset({"and", "or", "not"})


@dataclass(frozen=True)
class _Node:
    op: str  # "ident", "not", "and", "or", "true"
    value: str = ""
    left: _Node | None = None
    right: _Node | None = None


class Expression:
    """A compiled ``-k``/``-m`` expression.

    Args:
        text: The expression.

    Raises:
        UsageError: The expression is not in pytest's grammar.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self._tokens = self._lex(text)
        self._position = 0
        if not self._tokens:
            self._root = _Node("true")
            return
        self._root = self._expr()
        if self._position != len(self._tokens):
            self._fail(f"unexpected {self._tokens[self._position]!r}")

    def _lex(self, text: str) -> list[str]:
        tokens: list[str] = []
        position = 0
        while position < len(text):
            if text[position:].strip(" \t") == "":
                break
            match = _TOKEN.match(text, position)
            if match is None:
                rest = text[position:].strip(" \t")
                self._fail(f"unexpected character {rest[:1]!r}")
            assert match is not None
            tokens.append(match.group(match.lastindex or 0))
            position = match.end()
        return tokens

    def _fail(self, message: str) -> None:
        raise UsageError(f"wrong expression passed to '-k'/'-m': {self.text}: {message}", argument=self.text)

    def _peek(self) -> str | None:
        return self._tokens[self._position] if self._position < len(self._tokens) else None

    def _take(self) -> str:
        token = self._peek()
        if token is None:
            self._fail("unexpected end of expression")
        self._position += 1
        return token or ""

    def _expr(self) -> _Node:
        node = self._and()
        while self._peek() == "or":
            self._take()
            node = _Node("or", left=node, right=self._and())
        return node

    def _and(self) -> _Node:
        node = self._not()
        while self._peek() == "and":
            self._take()
            node = _Node("and", left=node, right=self._not())
        return node

    def _not(self) -> _Node:
        token = self._take()
        if token == "not":
            return _Node("not", left=self._not())
        if token == "(":
            node = self._expr()
            if self._take() != ")":
                self._fail("expected ')'")
            return node
        if token == ")" or token in _KEYWORDS:
            self._fail(f"unexpected {token!r}")
        return _Node("ident", token)

    def evaluate(self, matcher: Callable[[str], bool]) -> bool:
        """Whether the expression holds, given what each identifier means."""
        return _evaluate(self._root, matcher)


def _evaluate(node: _Node, matcher: Callable[[str], bool]) -> bool:
    if node.op == "true":
        return True
    if node.op == "ident":
        return matcher(node.value)
    assert node.left is not None
    if node.op == "not":
        return not _evaluate(node.left, matcher)
    assert node.right is not None
    if node.op == "and":
        return _evaluate(node.left, matcher) and _evaluate(node.right, matcher)
    return _evaluate(node.left, matcher) or _evaluate(node.right, matcher)


def keyword_matcher(names: set[str]) -> Callable[[str], bool]:
    """``-k`` matching: the identifier is a case-insensitive substring of some name."""
    lowered = [name.lower() for name in names]
    return lambda sub: any(sub.lower() in name for name in lowered)


def mark_matcher(marks: set[str]) -> Callable[[str], bool]:
    """``-m`` matching: the identifier is one of the mark names."""
    return lambda name: name in marks
