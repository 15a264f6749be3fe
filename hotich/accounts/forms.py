"""Forms of the account pages; checks that need the database live in the services."""

from typing import cast

from django import forms
from django.utils.functional import Promise

from hotich.accounts.models import Role


class SecondFactorForm(forms.Form):
    token = forms.CharField(
        label="Mã xác thực",
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
        help_text="6 chữ số trong ứng dụng xác thực, hoặc một mã dự phòng.",
    )


class AccountForm(forms.Form):
    """Name, role, unit and phone of an account (the username only when creating)."""

    username = forms.RegexField(
        label="Tên đăng nhập",
        max_length=150,
        regex=r"^[\w.@+-]+$",
        error_messages={"invalid": "Tên đăng nhập chỉ gồm chữ, số và các ký tự . @ + - _"},
    )
    full_name = forms.CharField(label="Họ và tên", max_length=300)
    role = forms.ChoiceField(label="Vai trò", choices=Role.choices)
    unit_code = forms.CharField(
        label="Mã đơn vị",
        max_length=10,
        required=False,
        help_text="Mã xã/phường cho vai trò cấp xã; mã tỉnh hoặc huyện cho giám sát, thanh tra.",
    )
    phone = forms.CharField(label="Điện thoại", max_length=20, required=False)

    def __init__(
        self, *args, roles: list[tuple[str, str | Promise]], editing: bool = False, **kwargs
    ):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["role"]).choices = roles
        if editing:
            del self.fields["username"]
