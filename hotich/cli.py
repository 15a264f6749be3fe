"""The ``hotich`` command: one entry point over Django's management commands.

``hotich demo``, ``hotich serve``, ``hotich worker``, ``hotich createuser`` …; a command
written with a space (``hotich places load``) runs the management command ``places_load``.
Anything else is passed to Django (``hotich migrate``, ``hotich shell``).
"""

import os
import sys


def resolve(argv: list[str], known: set[str]) -> list[str]:
    """Return ARGV with a two-word command ("places load") joined to its command name."""
    if len(argv) >= 2 and f"{argv[0]}_{argv[1]}" in known:
        return [f"{argv[0]}_{argv[1]}", *argv[2:]]
    return argv


def main(argv: list[str] | None = None) -> None:
    """Run the hotich command line with ARGV (default: sys.argv[1:])."""
    # Files hotich creates (SQLite database, secret key, scans, exports) hold citizens' data:
    # readable by the service account only (0600 files, 0700 directories).
    os.umask(0o077)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hotich.settings")
    import django
    from django.core.management import execute_from_command_line, get_commands

    django.setup()
    args = list(sys.argv[1:] if argv is None else argv)
    if not args:
        args = ["help", "--commands"]
    execute_from_command_line(["hotich", *resolve(args, set(get_commands()))])


if __name__ == "__main__":
    main()
