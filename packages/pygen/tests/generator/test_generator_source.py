from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pygen import ModelError
from pygen.generator._source import credentials_from, parse_data_model_id, read_config, read_secrets


@given(st.text(max_size=30))
def test_data_model_ids_parse_or_raise(text: str) -> None:
    try:
        space, external_id, version = parse_data_model_id(text)
    except ModelError:
        return
    assert f"{space}:{external_id}" + (f"/{version}" if version else "") == text.strip()


def test_data_model_id_forms() -> None:
    assert parse_data_model_id("sp:Omni/1") == ("sp", "Omni", "1")
    assert parse_data_model_id(" cdf_cdm:CogniteCore ") == ("cdf_cdm", "CogniteCore", None)


@given(
    st.dictionaries(
        st.sampled_from(["base_url", "project", "output", "package", "bogus"]),
        st.text(alphabet="abc", max_size=5),
        max_size=4,
    )
)
def test_tool_pygen_table(tmp_path_factory: pytest.TempPathFactory, table: dict[str, str]) -> None:
    path = tmp_path_factory.mktemp("cfg") / "pyproject.toml"
    path.write_text("[tool.pygen]\n" + "".join(f'{key} = "{value}"\n' for key, value in table.items()))
    if "bogus" in table:
        with pytest.raises(ModelError, match="bogus"):
            read_config(path)
    else:
        config = read_config(path)
        for key, value in table.items():
            assert getattr(config, key) == value


def test_broken_toml_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "pyproject.toml"
    path.write_text("[tool.pygen\n")
    with pytest.raises(ModelError) as caught:
        read_config(path)
    assert caught.value.path == str(path)


def test_credentials_from_environment_and_secrets_file(tmp_path: Path) -> None:
    assert credentials_from({}) is None
    assert type(credentials_from({"PYGEN_TOKEN": "t"})).__name__ == "Token"
    oauth = {
        "PYGEN_TOKEN_URL": "http://x/token",
        "PYGEN_CLIENT_ID": "id",
        "PYGEN_CLIENT_SECRET": "s",
        "PYGEN_SCOPES": "a b",
    }
    assert type(credentials_from(oauth)).__name__ == "OAuthClientCredentials"
    secrets = tmp_path / ".secrets"
    secrets.write_text("PYGEN_TOKEN=from-file\n")
    assert read_secrets(secrets)["PYGEN_TOKEN"] == "from-file"
    with pytest.raises(ModelError, match="does not exist"):
        read_secrets(tmp_path / "absent")
