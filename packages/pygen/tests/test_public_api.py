from __future__ import annotations

import pygen


def test_public_surface_is_pinned() -> None:
    assert sorted(pygen.__all__) == ["PygenError", "__version__"]
