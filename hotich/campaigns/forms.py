"""Forms: input checking only; the services decide and write."""

import datetime
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from hotich.accounts.models import User
from hotich.campaigns.models import Shift, TeamMember, WeeklyReport
from hotich.campaigns.services import BOOK_FIELDS
from hotich.keying.models import DoubleKeyingPolicy
from hotich.places.models import AdministrativeUnit
from hotich.registers.models import REGISTER_TYPE_CHOICES, RegisterBook

# Plain text inputs, typed and shown dd/mm/yyyy and hh:mm: a browser's date widget shows
# mm/dd/yyyy in some locales. The accepted forms are the locale's (hotich/core/formats).
DATE = forms.DateInput(
    attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric", "size": 10}, format="%d/%m/%Y"
)
TIME = forms.TimeInput(
    attrs={"placeholder": "hh:mm", "inputmode": "numeric", "size": 5}, format="%H:%M"
)


class BookForm(forms.ModelForm):
    class Meta:
        model = RegisterBook
        fields = list(BOOK_FIELDS)
        widgets = {"condition_reason": forms.TextInput(), "notes": forms.TextInput()}

    def __init__(self, *args, commune: AdministrativeUnit, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # The old communes that merged into this one: where its books were registered.
        cast(
            forms.ModelChoiceField, self.fields["historical_unit"]
        ).queryset = commune.predecessors.all()
        self.fields["historical_unit"].required = False
        if self.instance.pk is None:
            self.instance.commune = commune

    def clean(self) -> dict[str, Any]:
        # ModelForm.clean returns cleaned_data (the stubs allow None, for Form.clean overrides).
        super().clean()
        data = self.cleaned_data
        if data.get("condition") == RegisterBook.Condition.LOST and not data.get(
            "condition_reason"
        ):
            self.add_error(
                "condition_reason", _("Sổ bị mất phải ghi lý do (ví dụ: mất do lũ lụt năm 2007).")
            )
        return data


class CampaignForm(forms.Form):
    name = forms.CharField(label=_("Tên kế hoạch"), max_length=200)
    start_date = forms.DateField(label=_("Ngày bắt đầu"), widget=DATE)
    end_date = forms.DateField(label=_("Hạn hoàn thành"), widget=DATE)
    communes = forms.ModelMultipleChoiceField(
        label=_("Xã/phường thực hiện"), queryset=AdministrativeUnit.objects.none()
    )
    notes = forms.CharField(
        label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, communes, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["communes"]).queryset = communes
        self.fields["communes"].widget.attrs["size"] = min(12, max(communes.count(), 2))


class TargetForm(forms.Form):
    commune = forms.ModelChoiceField(
        label=_("Xã/phường"), queryset=AdministrativeUnit.objects.none()
    )
    register_type = forms.ChoiceField(label=_("Loại sổ"), choices=REGISTER_TYPE_CHOICES)
    target_cases = forms.IntegerField(label=_("Chỉ tiêu"), min_value=0)
    deadline = forms.DateField(label=_("Hạn"), widget=DATE, required=False)

    def __init__(self, *args, campaign, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["commune"]).queryset = campaign.communes.order_by(
            "name"
        )


class ShiftForm(forms.Form):
    name = forms.CharField(label=_("Tên ca"), max_length=40)
    start = forms.TimeField(label=_("Từ giờ"), widget=TIME)
    end = forms.TimeField(label=_("Đến giờ"), widget=TIME)


class DoubleKeyingForm(forms.Form):
    """Nhập hai lần for every book of the campaign's communes (a commune or book may differ)."""

    mode = forms.ChoiceField(label=_("Chế độ"), choices=DoubleKeyingPolicy.Mode.choices)
    sample_percent = forms.IntegerField(
        label=_("Tỉ lệ nhập lại (%)"), min_value=0, max_value=100, initial=10
    )


class TeamForm(forms.Form):
    commune = forms.ModelChoiceField(
        label=_("Xã/phường"), queryset=AdministrativeUnit.objects.none()
    )
    name = forms.CharField(label=_("Tên tổ"), max_length=100)

    def __init__(self, *args, communes, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["commune"]).queryset = communes


class MemberForm(forms.Form):
    member = forms.ModelChoiceField(label=_("Người"), queryset=User.objects.none())
    part = forms.ChoiceField(label=_("Vai trò trong tổ"), choices=TeamMember.Part.choices)
    shifts = forms.ModelMultipleChoiceField(
        label=_("Ca"),
        queryset=Shift.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, team, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["member"]).queryset = User.objects.filter(
            unit=team.commune, is_active=True
        ).order_by("first_name")
        cast(forms.ModelChoiceField, self.fields["shifts"]).queryset = team.campaign.shifts.all()


class BookAssignForm(forms.Form):
    books = forms.ModelMultipleChoiceField(label=_("Sổ"), queryset=RegisterBook.objects.none())

    def __init__(self, *args, team, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["books"]).queryset = RegisterBook.objects.filter(
            commune=team.commune, already_electronic=False
        ).exclude(condition=RegisterBook.Condition.LOST)


class ReportForm(forms.ModelForm):
    class Meta:
        model = WeeklyReport
        fields = [
            "number",
            "place",
            "signer_name",
            "signer_title",
            "recipients",
            "direction",
            "staffing",
            "budget",
            "problems",
        ]
        widgets = {
            f: forms.Textarea(attrs={"rows": 4})
            for f in ("recipients", "direction", "staffing", "budget", "problems")
        }


class WeekForm(forms.Form):
    week = forms.DateField(label=_("Một ngày trong tuần báo cáo"), widget=DATE)

    def clean_week(self) -> datetime.date:
        day = self.cleaned_data["week"]
        return day - datetime.timedelta(days=day.weekday())
