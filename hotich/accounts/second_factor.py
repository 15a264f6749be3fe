"""Xác thực hai bước: TOTP authenticator apps (django-otp) with single-use recovery codes.

Supervisors, inspectors and administrators must verify a second factor after their password
(``User.needs_second_factor``); any other user who enrolled an authenticator must too.
"""

from base64 import b32encode

import django_otp
import segno
from django.db import transaction
from django.http import HttpRequest
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from hotich.accounts.models import User
from hotich.audit.models import AuditEvent
from hotich.audit.services import audit_record

AUTHENTICATOR_NAME = "Ứng dụng xác thực"
RECOVERY_NAME = "Mã dự phòng"
RECOVERY_CODE_COUNT = 10
#: The name of the authenticators the demo installs; only these can be read back on the
#: command line (``hotich totp code``).
DEMO_DEVICE_NAME = "Khóa mẫu (demo)"


def second_factor_enrolled(user: User) -> bool:
    """Return True when USER has a confirmed authenticator."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def totp_device_pending(*, user: User) -> TOTPDevice:
    """Return USER's authenticator awaiting its first code, creating it with a new key."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_NAME, confirmed=False)
    return device


def totp_key_text(device: TOTPDevice) -> str:
    """Return the key in base32 groups of four, for typing into an app without the QR code."""
    key = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def totp_qr_svg(device: TOTPDevice) -> str:
    """Return the otpauth:// address of DEVICE as an inline SVG QR code (drawn on the server)."""
    return segno.make(device.config_url, error="m").svg_inline(scale=5, border=2)


def _clean(token: str) -> str:
    return "".join(token.split()).lower()


@transaction.atomic
def totp_device_confirm(
    *, request: HttpRequest, device: TOTPDevice, token: str
) -> list[str] | None:
    """Confirm DEVICE with a first code from the app; return new recovery codes, or None.

    On success the session counts as verified, earlier recovery codes are replaced and the
    enrolment is audited.
    """
    if not device.verify_token(_clean(token)):
        audit_record(
            request=request,
            action=AuditEvent.Action.LOGIN_FAILED,
            object_type="user",
            object_id=str(device.user_id),
            object_repr="mã xác thực sai khi đăng ký",
        )
        return None
    if not TOTPDevice.objects.filter(pk=device.pk, confirmed=False).update(confirmed=True):
        return None
    TOTPDevice.objects.filter(user_id=device.user_id).exclude(pk=device.pk).delete()
    codes = recovery_codes_create(user=device.user)
    device.confirmed = True
    django_otp.login(request, device)
    audit_record(
        request=request,
        action=AuditEvent.Action.UPDATE,
        obj=device.user,
        changes={"second_factor": ["chưa có", "ứng dụng xác thực"]},
    )
    return codes


def recovery_codes_create(*, user: User) -> list[str]:
    """Replace USER's recovery codes with new single-use ones and return them (shown once)."""
    StaticDevice.objects.filter(user=user).delete()
    static = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=static, token=c) for c in codes])
    return codes


def second_factor_verify(*, request: HttpRequest, token: str) -> bool:
    """Check TOKEN (an app code or a recovery code) for the request's user; audit either way.

    Each device throttles repeated failures itself (growing delays, django-otp).
    """
    user = request.user
    token = _clean(token)
    for device in django_otp.devices_for_user(user):
        verified = django_otp.verify_token(user, device.persistent_id, token)
        if verified is not None:
            django_otp.login(request, verified)
            audit_record(
                request=request,
                action=AuditEvent.Action.LOGIN,
                object_type="user",
                object_id=str(user.pk),
                object_repr=f"xác thực hai bước: {verified.name}",
            )
            return True
    audit_record(
        request=request,
        action=AuditEvent.Action.LOGIN_FAILED,
        object_type="user",
        object_id=str(user.pk),
        object_repr="mã xác thực hai bước sai",
    )
    return False


def totp_code_now(device: TOTPDevice) -> str:
    """Return the code DEVICE's app shows now (for the demo's published key)."""
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):0{device.digits}d}"


def totp_device_install(*, user: User, key: str, name: str = AUTHENTICATOR_NAME) -> TOTPDevice:
    """Give USER a confirmed authenticator with a known hex KEY (demo accounts, tests)."""
    device, _ = TOTPDevice.objects.update_or_create(
        user=user, name=name, defaults={"key": key, "confirmed": True}
    )
    return device
