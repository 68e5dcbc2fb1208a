"""The base of every DMS wire model: camelCase on the wire, snake_case in Python, unknown fields kept."""

from __future__ import annotations

from typing import Any, ClassVar, Self

from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_camel


class DMSModel(BaseModel):
    """A DMS JSON object.

    Fields are snake_case in Python and camelCase on the wire; fields a newer server sends that
    this version does not know are kept in `model_extra` and written back unchanged.
    """

    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        extra="allow",
        protected_namespaces=(),
        defer_build=True,
    )

    # Fields written even when left at their default (discriminators such as `type`).
    _always_dump: ClassVar[tuple[str, ...]] = ()

    def model_post_init(self, context: Any, /) -> None:
        self.model_fields_set.update(self._always_dump)

    @classmethod
    def load(cls, data: dict[str, Any]) -> Self:
        """Build the model from its wire (camelCase) JSON form."""
        return cls.model_validate(data)

    def dump(self) -> dict[str, Any]:
        """Return the wire (camelCase) JSON form, with only the fields that were set."""
        return self.model_dump(mode="json", by_alias=True, exclude_unset=True)


class FrozenDMSModel(DMSModel):
    """An immutable, hashable DMS object (identifiers)."""

    model_config = ConfigDict(frozen=True, extra="ignore")


def positional(data: dict[str, Any], **values: Any) -> None:
    """Move the positional arguments of a model constructor that were given into its keyword data."""
    for name, value in values.items():
        if value is not None:
            data[name] = value
