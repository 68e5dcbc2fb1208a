from __future__ import annotations

import phoenix_hotreload


def test_public_surface_is_pinned() -> None:
    assert sorted(phoenix_hotreload.__all__) == ["PhoenixError", "__version__"]
