"""hotich.lib is pure: importable and usable without Django."""

import subprocess
import sys


def test_the_library_imports_without_django():
    code = (
        "import sys, importlib, pkgutil, hotich.lib as lib\n"
        "for m in pkgutil.iter_modules(lib.__path__): importlib.import_module('hotich.lib.' + m.name)\n"
        "assert not any(name == 'django' or name.startswith('django.') for name in sys.modules), 'django imported'\n"
        "print('ok')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"
