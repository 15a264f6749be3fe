"""hotich createuser: create a personal account with a role and a unit."""

import getpass
import sys

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from hotich.accounts.models import Role
from hotich.accounts.services import AccountError, user_create
from hotich.audit.actor import Actor


class Command(BaseCommand):
    help = "Tạo tài khoản cá nhân. Ví dụ: hotich createuser nguyenvana --role justice_officer --unit 15943"

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument(
            "--unit", help="Mã xã/phường (vai trò cấp xã) hoặc mã tỉnh/huyện (giám sát, thanh tra)."
        )
        parser.add_argument("--name", default="", help="Họ và tên.")
        parser.add_argument(
            "--password-stdin", action="store_true", help="Đọc mật khẩu từ đầu vào chuẩn."
        )

    def handle(
        self,
        *args,
        username: str,
        role: str,
        unit: str | None,
        name: str,
        password_stdin: bool,
        **options,
    ) -> None:
        if password_stdin:
            password = sys.stdin.readline().rstrip("\n")
        else:
            password = getpass.getpass("Mật khẩu: ")
            if password != getpass.getpass("Nhập lại mật khẩu: "):
                raise CommandError("Hai lần nhập mật khẩu không khớp.")
        try:
            user = user_create(
                username=username,
                password=password,
                role=role,
                unit_code=unit,
                full_name=name,
                actor=Actor.system(),
            )
        except (AccountError, ValidationError) as exc:
            raise CommandError("; ".join(getattr(exc, "messages", [str(exc)]))) from exc
        self.stdout.write(f"Đã tạo tài khoản {user.username} ({user.get_role_display()}).")
