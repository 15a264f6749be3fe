"""Personal accounts (tài khoản cá nhân) with a role and the unit they work in."""

from collections.abc import Callable

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """Vai trò: what a person does in the campaign."""

    JUSTICE_OFFICER = "justice_officer", _("Công chức tư pháp – hộ tịch")
    POLICE_OFFICER = "police_officer", _("Công an xã")
    HELPER = "helper", _("Cộng tác viên nhập liệu")
    TEAM_LEADER = "team_leader", _("Tổ trưởng tổ nhập liệu")
    SUPERVISOR = "supervisor", _("Giám sát cấp huyện/tỉnh")
    INSPECTOR = "inspector", _("Thanh tra (chỉ xem)")
    ADMINISTRATOR = "administrator", _("Quản trị hệ thống")


#: Roles that work inside one commune and see only its books.
COMMUNE_ROLES = frozenset(
    {Role.JUSTICE_OFFICER, Role.POLICE_OFFICER, Role.HELPER, Role.TEAM_LEADER}
)
#: Roles that see many communes' citizens or manage accounts: a second factor is required.
SECOND_FACTOR_ROLES = frozenset({Role.SUPERVISOR, Role.INSPECTOR, Role.ADMINISTRATOR})


class User(AbstractUser):
    """Tài khoản: one person. Shared logins are not allowed (docs/deployment.md).

    ``unit`` is the scope: a current commune for commune roles; a province (current) or a
    historical district for supervisors and inspectors; for administrators, the area whose
    communes' accounts they manage (empty: national).
    """

    role = models.CharField(_("vai trò"), max_length=20, choices=Role.choices)
    unit = models.ForeignKey(
        "places.AdministrativeUnit",
        verbose_name=_("đơn vị"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    phone = models.CharField(_("điện thoại"), max_length=20, blank=True)

    #: Not a field: django-otp's OTPMiddleware installs it on the request's user.
    is_verified: Callable[[], bool]

    class Meta:
        verbose_name = _("người dùng")
        verbose_name_plural = _("người dùng")
        constraints = [
            # A commune role without a commune would see nothing or, worse, be
            # mistaken for a province-wide account.
            models.CheckConstraint(
                condition=~models.Q(role__in=sorted(r.value for r in COMMUNE_ROLES))
                | models.Q(unit__isnull=False),
                name="commune_role_needs_unit",
            ),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def get_full_name(self) -> str:
        """Return the name in Vietnamese order: family and middle names, then the given name."""
        return f"{self.last_name} {self.first_name}".strip()

    @property
    def is_commune_user(self) -> bool:
        return self.role in COMMUNE_ROLES

    # What a role may do is in hotich.accounts.capabilities; these read that table, for
    # templates that show a menu or a button.
    @property
    def can_write(self) -> bool:
        from hotich.accounts.capabilities import Capability, can

        return can(self, Capability.KEY)

    @property
    def can_read_audit(self) -> bool:
        from hotich.accounts.capabilities import Capability, can

        return can(self, Capability.READ_AUDIT)

    @property
    def needs_second_factor(self) -> bool:
        """Return True when this role may not work without a verified second factor."""
        return self.role in SECOND_FACTOR_ROLES

    @property
    def can_manage_accounts(self) -> bool:
        from hotich.accounts.capabilities import Capability, can

        return can(self, Capability.MANAGE_ACCOUNTS)
