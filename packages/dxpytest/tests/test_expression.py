from __future__ import annotations

import pytest
from _pytest.mark.expression import Expression as PytestExpression
from hypothesis import assume, given
from hypothesis import strategies as st

from dxpytest._errors import UsageError
from dxpytest._expression import Expression, keyword_matcher, mark_matcher

identifiers = st.sampled_from(["a", "b", "slow", "test_x", "x[1]", "a.b", "c/d", "e-f", "1"])


@st.composite
def expressions(draw: st.DrawFn, depth: int = 0) -> str:
    if depth > 3 or draw(st.booleans()):
        return draw(identifiers)
    kind = draw(st.sampled_from(["not", "and", "or", "paren"]))
    if kind == "not":
        return f"not {draw(expressions(depth + 1))}"
    if kind == "paren":
        return f"({draw(expressions(depth + 1))})"
    return f"{draw(expressions(depth + 1))} {kind} {draw(expressions(depth + 1))}"


@given(expressions(), st.sets(st.sampled_from(["a", "slow", "x[1]", "c/d"])))
def test_evaluation_matches_pytest(text: str, true_names: set[str]) -> None:
    ours = Expression(text).evaluate(lambda name: name in true_names)
    theirs = PytestExpression.compile(text).evaluate(lambda name, **kw: name in true_names)
    assert ours == theirs


@given(st.text(max_size=30))
def test_random_input_is_parsed_or_rejected_like_pytest(text: str) -> None:
    assume(text.strip())  # pytest's own empty expression is false; the -k/-m options treat "" as no filter
    assume("(" not in text.split(")")[0][1:] or "=" not in text)  # pytest's ident(kw=...) form is -m only
    try:
        theirs = PytestExpression.compile(text)
    except Exception:
        with pytest.raises(UsageError):
            Expression(text).evaluate(lambda name: True)
        return
    ours = Expression(text)
    assert ours.evaluate(lambda n: len(n) % 2 == 0) == theirs.evaluate(lambda n, **kw: len(n) % 2 == 0)


def test_empty_expression_matches_everything() -> None:
    assert Expression("").evaluate(lambda name: False)


def test_keyword_matching_is_case_insensitive_substring() -> None:
    matcher = keyword_matcher({"test_Alpha", "TestK"})
    assert Expression("alpha and not beta").evaluate(matcher)
    assert not Expression("gamma").evaluate(matcher)


def test_mark_matching_is_exact() -> None:
    assert Expression("slow or fast").evaluate(mark_matcher({"slow"}))
    assert not Expression("slo").evaluate(mark_matcher({"slow"}))


@pytest.mark.parametrize("bad", ["and", "(a", "a)", "not", "a or", "a $ b"])
def test_bad_expressions_raise_usage_error(bad: str) -> None:
    with pytest.raises(UsageError):
        Expression(bad)
