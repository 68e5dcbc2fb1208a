from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pygen.emulator import Emulator, ModelLoadError

yaml_scalars = st.none() | st.booleans() | st.integers(-5, 5) | st.text(max_size=6)
documents = st.recursive(
    yaml_scalars,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(
            st.sampled_from(["space", "externalId", "version", "views", "properties", "instanceType", "x"]),
            inner,
            max_size=4,
        )
    ),
    max_leaves=10,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(document=documents | st.text(max_size=40))
def test_random_yaml_loads_or_fails_with_a_clear_error(tmp_path: Path, document: object) -> None:
    path = tmp_path / "random.yaml"
    path.write_text(document if isinstance(document, str) else yaml.safe_dump(document))
    error: ModelLoadError | None = None
    with Emulator() as emulator:
        try:
            emulator.load(path)
        except ModelLoadError as exc:
            error = exc
    if error is not None:
        assert error.path == path
        assert str(path) in str(error)


def test_placeholders_need_values(tmp_path: Path, fixtures_dir: Path) -> None:
    with Emulator() as emulator, pytest.raises(ModelLoadError, match="pygen_models_space"):
        emulator.load(fixtures_dir / "Omni" / "containers")


def test_a_directory_loads_containers_then_models_then_instances(tmp_path: Path) -> None:
    (tmp_path / "a_nodes.yaml").write_text(
        yaml.safe_dump(
            [
                {
                    "instanceType": "node",
                    "space": "s",
                    "externalId": "n",
                    "properties": {"s": {"V/1": {"p": "x"}}},
                }
            ]
        )
    )
    (tmp_path / "b_model.yaml").write_text(
        yaml.safe_dump(
            {
                "space": "s",
                "externalId": "M",
                "version": "1",
                "views": [
                    {
                        "space": "s",
                        "externalId": "V",
                        "version": "1",
                        "properties": {
                            "p": {
                                "container": {"space": "s", "externalId": "C"},
                                "containerPropertyIdentifier": "p",
                            }
                        },
                    }
                ],
            }
        )
    )
    (tmp_path / "c_container.yaml").write_text(
        yaml.safe_dump({"space": "s", "externalId": "C", "properties": {"p": {"type": {"type": "text"}}}})
    )
    with Emulator() as emulator:
        counts = emulator.load(tmp_path)
        assert counts == {"spaces": 1, "containers": 1, "views": 1, "datamodels": 1, "instances": 1}
        with emulator.client() as client:
            (node,) = client.instances.list(
                sources=[{"source": {"type": "view", "space": "s", "externalId": "V", "version": "1"}}]
            )
            assert node.properties == {"s": {"V/1": {"p": "x"}}}
