from __future__ import annotations

import xtnsmgr


def test_public_surface_is_pinned() -> None:
    assert sorted(xtnsmgr.__all__) == ["XtnsmgrError", "__version__"]
