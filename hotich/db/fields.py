"""Model fields shared by the apps (hotich.db: below every app that has models)."""

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import models

from hotich.lib.dates import DateParseError, PartialDate, parse_partial_date

if TYPE_CHECKING:
    # For mypy: set from a PartialDate or the text of one, read back as a PartialDate.
    _PartialDateBase = models.CharField[PartialDate | str | None, PartialDate | None]
else:
    _PartialDateBase = models.CharField


class PartialDateField(_PartialDateBase):
    """A date that may know only its year, or its month and year.

    Stored as ISO text ("1985", "1985-08", "1985-08-15"), which sorts and filters by prefix
    correctly; read back as :class:`hotich.lib.dates.PartialDate`. A year-only date is never
    turned into a fake 1st of January.
    """

    description = "Partial date (year, year-month or full date)"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 10)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> tuple[Any, ...]:
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("max_length", None)
        return name, path, args, kwargs

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> Any:
        if not value:
            return None
        return PartialDate.from_iso(value)

    def to_python(self, value: Any) -> PartialDate | None:
        if value in (None, ""):
            return None
        if isinstance(value, PartialDate):
            return value
        try:
            return parse_partial_date(value, allow_future=True)
        except DateParseError as exc:
            raise ValidationError(str(exc), code="invalid_partial_date") from exc

    def get_prep_value(self, value: Any) -> str | None:
        value = self.to_python(value)
        return value.isoformat() if value is not None else None

    def value_to_string(self, obj: models.Model) -> str:
        value = self.value_from_object(obj)
        return value.isoformat() if value is not None else ""
