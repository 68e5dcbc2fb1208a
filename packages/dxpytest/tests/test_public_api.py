from __future__ import annotations

import dxpytest


def test_public_surface_is_pinned() -> None:
    assert sorted(dxpytest.__all__) == ["DxpytestError", "__version__"]
