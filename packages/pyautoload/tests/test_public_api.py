from __future__ import annotations

import pyautoload


def test_public_surface_is_pinned() -> None:
    assert sorted(pyautoload.__all__) == ["PyautoloadError", "__version__"]
