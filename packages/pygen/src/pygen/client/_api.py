"""The resource APIs (`client.spaces`, ..., `client.instances`), one class each for sync and async.

A method of an API class is a plan builder of `_schema_calls.py` or `_instance_calls.py` (same
signature and docstring) handed to the client's executor: `Executor` makes it a blocking call,
`AsyncExecutor` a coroutine (or an async iterator for `iterate`). The descriptors below tell the
type checker which: `DMSClient().instances.list(...)` is a `list[Instance]`,
`AsyncDMSClient().instances.list(...)` a coroutine of one.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator
from types import MethodType
from typing import Any, Concatenate, Generic, ParamSpec, TypeVar, overload

from pygen.client._executors import AsyncExecutor, Executor
from pygen.client._instance_calls import InstanceCalls
from pygen.client._plan import Batch, Pages
from pygen.client._schema_calls import SchemaCalls

C = TypeVar("C")
E = TypeVar("E", Executor, AsyncExecutor)
P = ParamSpec("P")
R = TypeVar("R")
T = TypeVar("T")


class _API(Generic[C, E]):
    """The plan builders `calls` of a resource, and the executor that runs their plans."""

    def __init__(self, calls: C, executor: E) -> None:
        self._calls = calls
        self._executor: E = executor


class _Method(Generic[C, P]):
    """A method that builds a plan with `build` and hands it to the executor's `verb`."""

    def __init__(self, build: Callable[Concatenate[C, P], Any], verb: str) -> None:
        @functools.wraps(build)
        def method(api: _API[C, Any], /, *args: P.args, **kwargs: P.kwargs) -> Any:
            return getattr(api._executor, verb)(build(api._calls, *args, **kwargs))

        # help() and IDEs show the builder's parameters; what it returns depends on the executor.
        method.__signature__ = inspect.signature(build).replace(  # type: ignore[attr-defined]
            return_annotation=inspect.Signature.empty
        )
        self._method = method
        self.__doc__ = build.__doc__

    def _bind(self, api: _API[C, Any] | None) -> Any:
        return self if api is None else MethodType(self._method, api)


class _Call(_Method[C, P], Generic[C, P, T]):
    """A call of one plan: its result, or a coroutine of it."""

    def __init__(self, build: Callable[Concatenate[C, P], Batch[T]]) -> None:
        super().__init__(build, "run")

    @overload
    def __get__(self, api: None, owner: type) -> _Call[C, P, T]: ...
    @overload
    def __get__(self, api: _API[C, Executor], owner: type) -> Callable[P, T]: ...
    @overload
    def __get__(self, api: _API[C, AsyncExecutor], owner: type) -> Callable[P, Coroutine[Any, Any, T]]: ...
    def __get__(self, api: _API[C, Any] | None, owner: type) -> Any:
        return self._bind(api)


class _Iterate(_Method[C, P], Generic[C, P, T]):
    """Lazy pagination: an iterator, or an async iterator."""

    def __init__(self, build: Callable[Concatenate[C, P], Pages[T]]) -> None:
        super().__init__(build, "iterate")

    @overload
    def __get__(self, api: None, owner: type) -> _Iterate[C, P, T]: ...
    @overload
    def __get__(self, api: _API[C, Executor], owner: type) -> Callable[P, Iterator[T]]: ...
    @overload
    def __get__(self, api: _API[C, AsyncExecutor], owner: type) -> Callable[P, AsyncIterator[T]]: ...
    def __get__(self, api: _API[C, Any] | None, owner: type) -> Any:
        return self._bind(api)


class _Collect(_Method[C, P], Generic[C, P, T]):
    """Pagination to the end (or the limit): a list, or a coroutine of one."""

    def __init__(self, build: Callable[Concatenate[C, P], Pages[T]]) -> None:
        super().__init__(build, "collect")

    @overload
    def __get__(self, api: None, owner: type) -> _Collect[C, P, T]: ...
    @overload
    def __get__(self, api: _API[C, Executor], owner: type) -> Callable[P, list[T]]: ...
    @overload
    def __get__(
        self, api: _API[C, AsyncExecutor], owner: type
    ) -> Callable[P, Coroutine[Any, Any, list[T]]]: ...
    def __get__(self, api: _API[C, Any] | None, owner: type) -> Any:
        return self._bind(api)


class SchemaAPI(_API[SchemaCalls[R], E]):
    """Apply, retrieve, delete and list one kind of schema item (spaces, containers, views, models)."""

    apply = _Call(SchemaCalls[R].apply)
    retrieve = _Call(SchemaCalls[R].retrieve)
    delete = _Call(SchemaCalls[R].delete)
    iterate = _Iterate(SchemaCalls[R].iterate)
    list = _Collect(SchemaCalls[R].list)


class InstancesAPI(_API[InstanceCalls, E]):
    """Apply, retrieve, delete, list, search, aggregate, query and sync nodes and edges."""

    apply = _Call(InstanceCalls.apply)
    retrieve = _Call(InstanceCalls.retrieve)
    delete = _Call(InstanceCalls.delete)
    iterate = _Iterate(InstanceCalls.iterate)
    search = _Call(InstanceCalls.search)
    aggregate = _Call(InstanceCalls.aggregate)
    query = _Call(InstanceCalls.query)
    sync = _Call(InstanceCalls.sync)
    list = _Collect(InstanceCalls.list)
