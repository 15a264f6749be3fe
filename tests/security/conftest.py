"""Per-area tallies of the probes (attempts / refused / leaked), printed after the run."""

from collections import Counter

#: (area, "attempts" | "refused" | "leaked" | "audited") -> count, filled by test_probes.py
TALLY: Counter = Counter()


def pytest_terminal_summary(terminalreporter):
    areas = sorted({area for area, _ in TALLY})
    if not areas:
        return
    terminalreporter.section("security probes per area")
    terminalreporter.write_line(
        f"{'area':<28}{'attempts':>9}{'refused':>9}{'audited':>9}{'leaked':>8}"
    )
    for area in areas:
        terminalreporter.write_line(
            f"{area:<28}{TALLY[area, 'attempts']:>9}{TALLY[area, 'refused']:>9}"
            f"{TALLY[area, 'audited']:>9}{TALLY[area, 'leaked']:>8}"
        )
