"""When to retry a request and how long to wait: full-jitter exponential backoff and `Retry-After`."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime

RETRY_STATUSES = frozenset({429, 502, 503, 504})


@dataclass(frozen=True)
class RetryPolicy:
    """How the client retries.

    Attributes:
        max_retries: retries after the first attempt (0 disables retrying).
        backoff_base_s: the first backoff ceiling; it doubles with each attempt.
        backoff_max_s: the largest backoff ceiling.
        max_retry_after_s: the longest `Retry-After` the client honours (longer ones are capped).
        statuses: HTTP statuses that are retried.
    """

    max_retries: int = 10
    backoff_base_s: float = 0.5
    backoff_max_s: float = 30.0
    max_retry_after_s: float = 120.0
    statuses: frozenset[int] = field(default=RETRY_STATUSES)

    def should_retry(self, attempt: int, status: int | None) -> bool:
        """Whether to retry after `attempt` (0-based) failed with `status` (None: connection error)."""
        if attempt >= self.max_retries:
            return False
        return status is None or status in self.statuses

    def wait_s(self, attempt: int, retry_after: str | None = None, rng: random.Random | None = None) -> float:
        """Seconds to wait before the next attempt: `Retry-After` if the server sent one, else full jitter."""
        server_wait = parse_retry_after(retry_after)
        if server_wait is not None:
            return min(server_wait, self.max_retry_after_s)
        ceiling = min(self.backoff_max_s, self.backoff_base_s * 2**attempt)
        return (rng or random).uniform(0, ceiling)


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds from a `Retry-After` header (delay seconds or an HTTP date); None if absent or invalid."""
    if value is None:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        from email.utils import parsedate_to_datetime

        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - (now or datetime.now(UTC))).total_seconds()
    if seconds != seconds or seconds == float("inf"):
        return None
    return max(0.0, seconds)
