"""The register types, one module each, defined once and declaratively.

``REGISTER_TYPES`` maps a register code (``"KS"``, ``"KH"``, ``"KT"``, ``"HN"``, ``"CMC"``,
``"NCN"``, then our layouts ``"GH"``, ``"CDGH"``, ``"TDCC"``, ``"GCLH"``) to its
:class:`~hotich.registers.spec.RegisterType`, in campaign work order.
"""

from hotich.registers.definitions.cmc import PARENT_CHILD_RECOGNITION
from hotich.registers.definitions.gclh import DIVORCE_NOTE
from hotich.registers.definitions.gh import GUARDIANSHIP, GUARDIANSHIP_END
from hotich.registers.definitions.hn import MARITAL_STATUS_CONFIRMATION
from hotich.registers.definitions.kh import MARRIAGE
from hotich.registers.definitions.ks import BIRTH
from hotich.registers.definitions.kt import DEATH
from hotich.registers.definitions.ncn import ADOPTION
from hotich.registers.definitions.tdcc import CHANGE_CORRECTION
from hotich.registers.spec import RegisterType

REGISTER_TYPES: dict[str, RegisterType] = {
    t.code: t
    for t in sorted(
        (
            BIRTH,
            MARRIAGE,
            ADOPTION,
            DEATH,
            PARENT_CHILD_RECOGNITION,
            MARITAL_STATUS_CONFIRMATION,
            GUARDIANSHIP,
            GUARDIANSHIP_END,
            CHANGE_CORRECTION,
            DIVORCE_NOTE,
        ),
        key=lambda t: t.priority,
    )
}

__all__ = [
    "ADOPTION",
    "BIRTH",
    "CHANGE_CORRECTION",
    "DEATH",
    "DIVORCE_NOTE",
    "GUARDIANSHIP",
    "GUARDIANSHIP_END",
    "MARITAL_STATUS_CONFIRMATION",
    "MARRIAGE",
    "PARENT_CHILD_RECOGNITION",
    "REGISTER_TYPES",
]
