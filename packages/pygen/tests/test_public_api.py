from __future__ import annotations

import pygen


def test_public_surface_is_pinned() -> None:
    assert sorted(pygen.__all__) == [
        "GenerationError",
        "IRFormatError",
        "ModelError",
        "ModelValidationError",
        "PygenError",
        "StaleSDKError",
        "__version__",
    ]
