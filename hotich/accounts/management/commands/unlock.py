"""hotich unlock: lift the login lockout of an account (audited)."""

from django.core.management.base import BaseCommand, CommandError

from hotich.accounts.models import User
from hotich.accounts.services import user_unlock
from hotich.audit.actor import Actor


class Command(BaseCommand):
    help = "Mở khóa đăng nhập cho tài khoản bị khóa do nhập sai mật khẩu. Ví dụ: hotich unlock nguyenvana"

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")

    def handle(self, *args, username: str, **options) -> None:
        if not User.objects.filter(username=username).exists():
            raise CommandError(f"Không có tài khoản {username}.")
        cleared = user_unlock(username=username, by=None, actor=Actor.system())
        if cleared:
            self.stdout.write(f"Đã mở khóa đăng nhập cho {username}.")
        else:
            self.stdout.write(f"Tài khoản {username} không bị khóa; đã ghi nhật ký.")
