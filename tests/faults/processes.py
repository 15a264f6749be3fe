"""What the process tests share: a book to import into, a file, and the database's state."""

import json
from pathlib import Path

from openpyxl import Workbook

from hotich.exchange.layout import export_header
from hotich.registers.spec import REGISTER_TYPES
from tests.exchange.factories import sample_values
from tests.faults.conftest import hotich_python

SETUP = (
    "from hotich.places.models import AdministrativeUnit as U;"
    "from hotich.registers.models import RegisterBook as B;"
    "c=U.objects.create(code='15943',name='Đông Sơn',type_name='Xã',level='commune',"
    "period='current',province_code='38');"
    "print(B.objects.create(commune=c,register_type='KS',year_from=2008,year_to=2008,"
    "volume='01/2008').pk)"
)

STATE = """
import json
from django.db.models import Count
from hotich.audit.models import AuditEvent
from hotich.exchange.models import ImportRun
from hotich.registers.models import Entry, EntryPerson
entries = Entry.objects.count()
repeated = Entry.objects.values('book', 'year', 'number').annotate(n=Count('id')).filter(n__gt=1)
print(json.dumps({
    'entries': entries,
    'repeated_numbers': repeated.count(),
    'with_people': EntryPerson.objects.values('entry').distinct().count(),
    'audited': AuditEvent.objects.filter(action='create', object_type='entry').count(),
    'runs': list(ImportRun.objects.order_by('pk').values('pk', 'status', 'message', 'imported',
                                                         'unchanged', 'rejected')),
}, ensure_ascii=False))
"""


def make_book(env: dict) -> str:
    return hotich_python(env, SETUP)


def state(env: dict) -> dict:
    return json.loads(hotich_python(env, STATE))


def write_file(path: Path, rows: int) -> None:
    register = REGISTER_TYPES["KS"]
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("DL Import")
    sheet.append(export_header(register))
    for i in range(rows):
        values = sample_values(register, i, 2008)
        values["nksGioiTinh"] = "12"[i % 2]
        sheet.append([values.get(name) for name in register.column_names])
    workbook.save(path)
