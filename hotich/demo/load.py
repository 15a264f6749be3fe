"""Demo data: one province, several communes, books of every type, a synthetic registry, users.

Everything is generated from a fixed seed, so two runs give the same demo; running again on
a database that already has the demo changes nothing.
"""

import random
from base64 import b32encode
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Count

from hotich.accounts.models import Role, User
from hotich.accounts.second_factor import DEMO_DEVICE_NAME, totp_device_install
from hotich.accounts.services import user_create
from hotich.audit.actor import Actor
from hotich.campaigns.services import snapshot_refresh
from hotich.demo.campaigns import campaign_demo_load
from hotich.demo.citizens import citizens_synthesise
from hotich.demo.reconciliation import reconcile_demo_load
from hotich.lib.dates import PartialDate, date_to_words
from hotich.places.models import AdministrativeUnit
from hotich.places.services import units_load
from hotich.registers.models import EntryStatus, RegisterBook
from hotich.registers.services import entry_create
from hotich.registers.spec import REGISTER_TYPES, FieldType, PersonRole
from hotich.registry.models import Citizen

DEMO_PASSWORD = "hotich-demo-2026"  # noqa: S105 - printed for the demo, documented as such
# The demo's supervisor, inspector and administrator need a second factor: one published
# authenticator key for all of them (docs/accounts.md), never to be used for real accounts.
DEMO_TOTP_KEY = b"hotich-demo-totp-key".hex()

#: (username, role, full name, which unit: "commune" = first commune, "commune2", "province")
DEMO_USERS = (
    ("tuphap", Role.JUSTICE_OFFICER, "Lê Thị Hồng Nhung", "commune"),
    ("congan", Role.POLICE_OFFICER, "Trịnh Văn Dũng", "commune"),
    ("nhaplieu", Role.HELPER, "Nguyễn Thị Thu Trang", "commune"),
    ("totruong", Role.TEAM_LEADER, "Hoàng Văn Thắng", "commune"),
    ("giamsat", Role.SUPERVISOR, "Phạm Quang Huy", "province"),
    ("thanhtra", Role.INSPECTOR, "Đỗ Thị Lan", "province"),
    ("quantri", Role.ADMINISTRATOR, "Vũ Minh Tuấn", None),
    ("tuphap2", Role.JUSTICE_OFFICER, "Bùi Thị Hạnh", "commune2"),
)


@dataclass
class DemoResult:
    communes: list[AdministrativeUnit]
    users: list[tuple[str, str, str]]
    citizens: int
    books: int
    entries: int
    #: How the demo's supervisor, inspector and administrator get their second-factor codes.
    second_factor: str = ""


def demo_communes(province_code: str, count: int = 4) -> list[AdministrativeUnit]:
    """Return COUNT current communes of the province that merged several old communes."""
    return list(
        AdministrativeUnit.objects.filter(
            period=AdministrativeUnit.Period.CURRENT,
            level=AdministrativeUnit.Level.COMMUNE,
            province_code=province_code,
        )
        .annotate(n_old=Count("predecessors"))
        .filter(n_old__gte=2)
        .order_by("code")[:count]
    )


def demo_load(*, province_code: str, citizens: int = 100_000, progress: Any = None) -> DemoResult:
    """Load the demo into the database (idempotent) and return what it holds."""
    units_load()
    communes = demo_communes(province_code)
    if not communes:
        raise ValueError(f"Không có xã/phường hiện hành nào cho tỉnh {province_code}.")
    province = AdministrativeUnit.objects.get(
        period=AdministrativeUnit.Period.CURRENT,
        level=AdministrativeUnit.Level.PROVINCE,
        province_code=province_code,
    )
    users = _demo_users(communes, province)
    have = Citizen.objects.filter(birthplace_unit__province_code=province_code).count()
    if have < citizens:
        citizens_synthesise(
            count=citizens - have, province_code=province_code, seed=2026 + have, progress=progress
        )
    if not RegisterBook.objects.filter(commune__in=communes).exists():
        _demo_books(communes, users)
    # The plan, teams and progress history the dashboards show (hotich.campaigns).
    planner = next(u for u in users if u.role == Role.SUPERVISOR)
    campaign_demo_load(communes=communes, province=province, planner=planner)
    # Batch reconciliation of a few books and the tracking cases of their discrepancies
    # (hotich.reconciliation), then the figures again so the dashboards show them.
    if reconcile_demo_load(communes=communes):
        snapshot_refresh(communes=communes)
    return DemoResult(
        communes=communes,
        users=[
            (u.username, u.get_role_display(), u.unit.full_name if u.unit else "toàn quốc")
            for u in users
        ],
        citizens=Citizen.objects.count(),
        books=RegisterBook.objects.filter(commune__in=communes).count(),
        entries=sum(b.entries.count() for b in RegisterBook.objects.filter(commune__in=communes)),
        second_factor=demo_second_factor_note(),
    )


def _demo_users(communes: list[AdministrativeUnit], province: AdministrativeUnit) -> list[User]:
    units = {
        "commune": communes[0],
        "commune2": communes[1] if len(communes) > 1 else communes[0],
        "province": province,
    }
    users = []
    encoded = None
    for username, role, name, where in DEMO_USERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            # One hash of the published password for every demo account (each hash costs
            # about half a second on purpose).
            encoded = encoded or make_password(DEMO_PASSWORD)
            unit = units.get(where) if where else None
            user = user_create(
                username=username,
                password=DEMO_PASSWORD,
                role=role,
                unit_code=unit.code if unit else None,
                full_name=name,
                check_password=False,
                password_encoded=encoded,
                actor=Actor.system(),
            )
        if user.needs_second_factor:
            totp_device_install(user=user, key=DEMO_TOTP_KEY, name=DEMO_DEVICE_NAME)
        users.append(user)
    return users


def demo_second_factor_note() -> str:
    """Return how a demo user gets the codes the second factor asks for."""
    key = b32encode(bytes.fromhex(DEMO_TOTP_KEY)).decode()
    return (
        "Giám sát, thanh tra và quản trị cần thêm mã xác thực hai bước sau mật khẩu: "
        f"thêm khóa {key} vào ứng dụng xác thực trên điện thoại, "
        "hoặc lấy mã hiện tại bằng lệnh: .venv/bin/hotich totp code giamsat"
    )


# Books of each commune: (register type, year, condition, reason, already electronic).
BOOK_PLAN = (
    ("KS", 2008, "usable", "", False),
    ("KS", 2009, "damaged", "Sổ bị ẩm mốc, rách một số trang cuối", False),
    ("KH", 2008, "usable", "", False),
    ("KT", 2008, "usable", "", False),
    ("HN", 2012, "usable", "", False),
    ("CMC", 2010, "usable", "", False),
    ("NCN", 2005, "usable", "", False),
    ("GH", 2011, "usable", "", False),
    ("CDGH", 2014, "usable", "", False),
    ("TDCC", 2013, "usable", "", False),
    ("GCLH", 2015, "usable", "", False),
    ("KS", 1995, "lost", "Bị mất do lũ lụt năm 2007", False),
    ("KS", 2018, "usable", "", True),
)
STATUS_MIX = (
    (EntryStatus.EXPORTED, 0.10),
    (EntryStatus.APPROVED, 0.15),
    (EntryStatus.REVIEWED, 0.10),
    (EntryStatus.RECONCILED, 0.20),
    (EntryStatus.VERIFIED, 0.10),
    (EntryStatus.KEYED, 0.20),
    (EntryStatus.DRAFT, 0.15),
)


@transaction.atomic
def _demo_books(communes: list[AdministrativeUnit], users: list[User]) -> None:
    rng = random.Random(1292)
    by_name = {u.username: u for u in users}
    for n, commune in enumerate(communes):
        old = list(commune.predecessors.select_related("parent").order_by("code"))
        historical = old[0] if old else None
        keyer = by_name["tuphap"] if n == 0 else by_name["tuphap2"] if n == 1 else None
        unit = historical or commune
        place = f"UBND {unit.type_name.lower()} {unit.name}"
        for register_type, year, condition, reason, electronic in BOOK_PLAN:
            book = RegisterBook.objects.create(
                commune=commune,
                historical_unit=historical,
                register_type=register_type,
                year_from=year,
                year_to=year,
                volume=f"01/{year}",
                pages=200,
                expected_cases=rng.randint(40, 120) if condition != "lost" else None,
                condition=condition,
                condition_reason=reason,
                already_electronic=electronic,
            )
            if condition == "lost" or electronic:
                continue
            cast = _Casting(year, rng)
            for number in range(1, rng.randint(25, 45)):
                status = rng.choices([s for s, _ in STATUS_MIX], [w for _, w in STATUS_MIX])[0]
                values = _entry_values(
                    register_type, year, number, place, cast.people(register_type), rng
                )
                entry_create(
                    book=book,
                    user=keyer,
                    actor=Actor.system(keyer),
                    year=year,
                    number=number,
                    page=(number + 1) // 2,
                    registration_date=values.get("ngayDangKy"),
                    values=values,
                    marks={"nksNoiSinhDVHC": "blank"}
                    if register_type == "KS" and number % 7 == 0
                    else {},
                    status=status,
                )


class _Casting:
    """Picks registry citizens who plausibly appear in a book of one year."""

    def __init__(self, year: int, rng: random.Random) -> None:
        self.rng = rng
        related = Citizen.objects.select_related("father", "mother", "spouse")
        self.children = list(
            related.filter(birth_year__in=[year, year - 1], father__isnull=False)[:300]
        )
        self.couples = list(
            related.filter(sex="1", spouse__isnull=False, birth_year__range=(year - 35, year - 20))[
                :300
            ]
        )
        # People who died in the book's year: a death is registered within weeks.
        self.deceased = list(related.filter(alive=False, death_date__startswith=str(year))[:300])
        self.adults = list(related.filter(birth_year__range=(year - 60, year - 18))[:300])

    def _pick(self, pool: list[Citizen]) -> Citizen:
        return self.rng.choice(pool or self.adults)

    def people(self, register_type: str) -> dict[PersonRole, Citizen]:
        """Return the citizens to name in an entry of REGISTER_TYPE, by role."""
        child = self._pick(self.children)
        husband = self._pick(self.couples)
        wife = husband.spouse or self._pick(self.adults)
        requester = self._pick(self.adults)
        roles: dict[str, Citizen | None] = {
            "subject": child if register_type == "KS" else self._pick(self.adults),
            "mother": child.mother,
            "father": child.father,
            "husband": husband,
            "wife": wife,
            "deceased": self._pick(self.deceased),
            "requester": child.father if register_type == "KS" else requester,
            "parent": child.father,
            "child": child,
            "adopt_father": husband,
            "adopt_mother": wife,
            "adoptee": child,
            "birth_father": child.father,
            "birth_mother": child.mother,
            # A ward is a child; the guardian a grandparent or another adult relative.
            "ward": child,
            "guardian": (child.father.father if child.father else None) or requester,
        }
        return {PersonRole(k): v for k, v in roles.items() if v is not None}


def _fmt(d: PartialDate | None) -> str:
    return d.display() if d else ""


def _entry_values(
    register_type: str,
    year: int,
    number: int,
    place: str,
    people: dict[PersonRole, Citizen],
    rng: random.Random,
) -> dict[str, str]:
    """Return values for one entry as an officer would key them from the book."""
    register = REGISTER_TYPES[register_type]
    month = min(12, 1 + (number * 12) // 45)
    reg_date = PartialDate(year, month, rng.randint(1, 28))
    values: dict[str, str] = {
        "so": f"{number:02d}",
        "quyenSo": f"01/{year}",
        "trangSo": str((number + 1) // 2),
        "ngayDangKy": reg_date.display(),
        "noiDangKy": place,
        "noiCap": place,
        "nguoiKy": rng.choice(["Nguyễn Văn Hòa", "Lê Đình Thành", "Trịnh Xuân Mạnh"]),
        "chucVuNguoiKy": "Chủ tịch UBND",
        "nguoiThucHien": rng.choice(["Lê Thị Hồng Nhung", "Phạm Văn Toàn"]),
        "loaiDangKy": "1",
        "loaiXacNhan": str(rng.randint(1, 4)),
        "nksLoaiKhaiSinh": "1",
        # What a change/correction, an end of guardianship and a divorce note record.
        "noiDungThayDoi": "Họ, chữ đệm, tên",
        "canCuThayDoi": "Giấy khai sinh bản chính",
        "loaiViecHoTich": "1",
        "lyDoChamDutGiamHo": "1",
        "banAnSo": f"{number:02d}/{year}/QĐST-HNGĐ",
        "coQuanGiaiQuyet": "Tòa án quận Suwon",
        "qgGiaiQuyet": "Hàn Quốc",
    }
    for role in register.persons:
        person = people.get(role)
        if person is None:
            continue
        # About one in six entries differs from the registry the way books do: the
        # traditional middle name left out, or day and month swapped.
        name, birth = person.full_name, person.birth_date
        if rng.random() < 0.16:
            parts = name.split()
            if len(parts) > 2 and parts[1] in ("Văn", "Thị"):
                name = " ".join([parts[0], *parts[2:]])
            elif birth and birth.day and birth.day <= 12 and birth.day != birth.month:
                birth = PartialDate(birth.year, birth.day, birth.month)
        for field in register.fields_for(role):
            column = field.name
            if field.type == FieldType.NAME and "HoTen" in column:
                values[column] = name
            elif column.endswith("NgaySinh") and field.type == FieldType.PARTIAL_DATE:
                values[column] = _fmt(birth)
            elif column.endswith("NgaySinhBangChu") and birth:
                values[column] = date_to_words(birth)
            elif column.endswith("GioiTinh"):
                values[column] = person.sex
            elif column.endswith("DanToc"):
                values[column] = person.ethnicity or "Kinh"
            elif column.endswith("QuocTich") and field.type != FieldType.CODE:
                values[column] = "Việt Nam"
            elif column.endswith(("NoiSinh", "QueQuan")):
                values[column] = person.birthplace
            elif column.endswith("NgayChet") and person.death_date:
                values[column] = _fmt(person.death_date)
            elif column.endswith("QuanHe"):
                values[column] = (
                    "Cha" if register_type == "KS" else rng.choice(["Con", "Vợ", "Chồng", "Cháu"])
                )
    deceased = people.get(PersonRole.DECEASED)
    if (
        register_type == "KT"
        and deceased
        and deceased.death_date
        and deceased.death_date.year == year
    ):
        values["ngayDangKy"] = _fmt(deceased.death_date)  # registered the day it happened
    known = {f.name for f in register.fields}
    return {k: v for k, v in values.items() if v and k in known}
