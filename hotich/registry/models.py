"""The population registry (CSDL quốc gia về dân cư) as seen by the commune."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from hotich.db.fields import PartialDateField


class Sex(models.TextChoices):
    """Giới tính, with the Ministry template's codes."""

    MALE = "1", _("Nam")
    FEMALE = "2", _("Nữ")
    UNKNOWN = "3", _("Chưa xác định")


class Citizen(models.Model):
    """Công dân: one person of the population registry, identified by a 12-digit personal ID.

    Names are kept as the registry has them; the ``*_key`` columns are comparison keys from
    :mod:`hotich.lib.text` (folded, tone-placement and i/y independent) used for indexed
    candidate lookup.
    """

    class Source(models.TextChoices):
        REGISTRY = "registry", _("CSDL quốc gia về dân cư")
        CREATED = "created", _("Tạo mới khi số hóa")

    personal_id = models.CharField(_("số định danh cá nhân"), max_length=12, unique=True)
    full_name = models.CharField(_("họ và tên"), max_length=200)
    family_name = models.CharField(_("họ"), max_length=60, blank=True)
    middle_name = models.CharField(_("tên đệm"), max_length=100, blank=True)
    given_name = models.CharField(_("tên"), max_length=60, blank=True)
    name_key = models.CharField(max_length=200)
    family_key = models.CharField(max_length=60, blank=True)
    given_key = models.CharField(max_length=60, blank=True)
    birth_date = PartialDateField(_("ngày sinh"), null=True, blank=True)
    birth_year = models.PositiveSmallIntegerField(_("năm sinh"), null=True, blank=True)
    sex = models.CharField(_("giới tính"), max_length=1, choices=Sex.choices)
    birthplace = models.CharField(_("nơi sinh"), max_length=300, blank=True)
    birthplace_unit = models.ForeignKey(
        "places.AdministrativeUnit",
        verbose_name=_("nơi sinh (đơn vị hành chính)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    hometown = models.CharField(_("quê quán"), max_length=300, blank=True)
    ethnicity = models.CharField(_("dân tộc"), max_length=60, blank=True)
    nationality = models.CharField(_("quốc tịch"), max_length=60, blank=True, default="Việt Nam")
    residence = models.CharField(_("nơi thường trú"), max_length=300, blank=True)
    father_name = models.CharField(_("họ tên cha"), max_length=200, blank=True)
    mother_name = models.CharField(_("họ tên mẹ"), max_length=200, blank=True)
    father = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    mother = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    spouse = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    alive = models.BooleanField(_("còn sống"), default=True)
    death_date = PartialDateField(_("ngày mất"), null=True, blank=True)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.REGISTRY)
    # Blocking keys of the matching engine (hotich.matching.engine.features.BLOCKING_KEYS): the
    # interactive lookup finds candidates through their indexes (Meta.indexes), never by a
    # scan. NULL means "no key" (a missing part), which must never be equal to another
    # record's missing key.
    bk1 = models.CharField(max_length=120, null=True, blank=True)  # noqa: DJ001
    bk2 = models.CharField(max_length=120, null=True, blank=True)  # noqa: DJ001
    bk3 = models.CharField(max_length=120, null=True, blank=True)  # noqa: DJ001
    bk4 = models.CharField(max_length=120, null=True, blank=True)  # noqa: DJ001
    bk5 = models.CharField(max_length=120, null=True, blank=True)  # noqa: DJ001
    bk6 = models.CharField(max_length=120, null=True, blank=True)  # noqa: DJ001
    # The loose keys (features.LOOSE_KEYS, migration 0006), whose common blocks are capped.
    bk7 = models.CharField(max_length=120, null=True, blank=True)  # noqa: DJ001
    bk8 = models.CharField(max_length=120, null=True, blank=True)  # noqa: DJ001
    bk9 = models.CharField(max_length=120, null=True, blank=True)  # noqa: DJ001
    bk10 = models.CharField(max_length=120, null=True, blank=True)  # noqa: DJ001
    bk11 = models.CharField(max_length=120, null=True, blank=True)  # noqa: DJ001
    bk12 = models.CharField(max_length=120, null=True, blank=True)  # noqa: DJ001
    bk13 = models.CharField(max_length=120, null=True, blank=True)  # noqa: DJ001
    bk14 = models.CharField(max_length=120, null=True, blank=True)  # noqa: DJ001
    bk15 = models.CharField(max_length=120, null=True, blank=True)  # noqa: DJ001
    bk16 = models.CharField(max_length=120, null=True, blank=True)  # noqa: DJ001
    # The comparison features of the matching engine, derived once when the citizen is
    # written (hotich.matching.engine.features.encode_features: JSON, versioned). The lookup reads
    # them instead of deriving them from the values for every candidate; NULL or another
    # version means "derive them" (``hotich registry features`` stores them again).
    match_features = models.TextField(null=True, blank=True, editable=False)  # noqa: DJ001
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("công dân")
        verbose_name_plural = _("công dân")
        # One B-tree index per key, not db_index=True: on PostgreSQL that adds a second
        # varchar_pattern_ops ("_like") index per column, which doubled the cost of a bulk
        # load. The one index uses that operator class itself (PostgreSQL only; ignored
        # elsewhere): it compares bytes instead of the database's collation, which sorts
        # several times faster when a bulk load rebuilds the indexes, and the keys are only
        # ever compared for equality.
        indexes = [
            models.Index(fields=[field], name=f"citizen_{field}", opclasses=["varchar_pattern_ops"])
            for field in ("name_key", *(f"bk{n}" for n in range(1, 17)))
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.personal_id})"
