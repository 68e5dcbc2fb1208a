"""The Python SDK generator: IR model in, a formatted, typed, lazy package out.

>>> sdk = generate_sdk(load_model_file("model.yaml"), "my_sdk")
>>> write_sdk(sdk, "src/")
"""

from __future__ import annotations

from pygen.generator._sdk import (
    GeneratedSDK,
    WriteReport,
    default_package,
    diff_sdk,
    generate_sdk,
    is_current,
    model_key,
    write_sdk,
)
from pygen.generator._wheel import write_wheel

__all__ = [
    "GeneratedSDK",
    "WriteReport",
    "default_package",
    "diff_sdk",
    "generate_sdk",
    "is_current",
    "model_key",
    "write_sdk",
    "write_wheel",
]
