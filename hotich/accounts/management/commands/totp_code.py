"""hotich totp code: the current second-factor code of a demo account."""

from django.core.management.base import BaseCommand, CommandError
from django_otp.plugins.otp_totp.models import TOTPDevice

from hotich.accounts.second_factor import DEMO_DEVICE_NAME, totp_code_now


class Command(BaseCommand):
    help = (
        "In mã xác thực hai bước hiện tại của một tài khoản mẫu (chỉ các khóa do hotich demo "
        "tạo; tài khoản thật dùng ứng dụng trên điện thoại). Ví dụ: hotich totp code giamsat"
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")

    def handle(self, *args, username: str, **options) -> None:
        device = TOTPDevice.objects.filter(
            user__username=username, name=DEMO_DEVICE_NAME, confirmed=True
        ).first()
        if device is None:
            raise CommandError(
                f"{username} không có khóa xác thực mẫu của hotich demo; "
                "mã của tài khoản thật chỉ có trong ứng dụng trên điện thoại của người dùng."
            )
        self.stdout.write(totp_code_now(device))
