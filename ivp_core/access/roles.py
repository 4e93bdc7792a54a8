"""The roles of issue 30 and what each may do: one table, so the pages, the commands and the core agree.

A role is held per trajectory; the beheerder is not a role in a trajectory but an account flag (accounts, the
audit trail, every trajectory). Permissions are coarse on purpose: each names a kind of work a municipality
hands to a person, not a button.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Final


class Role(StrEnum):
    COORDINATOR = "coordinator"
    GRIFFIER = "griffier"
    WERKGROEPLID = "werkgroeplid"
    LEZER = "lezer"


#: What the command line accepts after --role (beheerder is the account flag, the rest a trajectory role).
BEHEERDER: Final = "beheerder"
ROLE_CHOICES: Final = (BEHEERDER, *(r.value for r in Role))

ROLE_LABELS: Final[dict[str, str]] = {
    BEHEERDER: "beheerder",
    Role.COORDINATOR: "coördinator",
    Role.GRIFFIER: "griffier",
    Role.WERKGROEPLID: "werkgroeplid",
    Role.LEZER: "lezer (raadslid)",
}


class Permission(StrEnum):
    """A kind of work; the Dutch value is what a refusal names ("… mag u niet: <value>")."""

    READ = "het traject bekijken"
    DOCUMENTS = "documenten downloaden"
    TEXTS = "analyseteksten, Stap 1 en indicatoren bewerken"
    IMPORT = "cijfers importeren of een import ongedaan maken"
    SESSIONS = "sessies beheren, stemmen ongeldig maken en opmerkingen modereren"
    DECISION = "het besluit van de raad vastleggen"
    MANAGE = "het traject beheren (instellingen, archiveren, verwijderen, back-up)"
    RESTORE = "een back-up terugzetten"
    CREATE = "een nieuw traject aanmaken"
    ACCOUNTS = "accounts en het auditlog beheren"
    #: Settings that hold for every trajectory of the installation (the crime-type table): one municipality's
    #: staff would otherwise change another municipality's figures on a shared installation.
    INSTALLATION = (
        "de koppeltabel misdrijfsoorten wijzigen (die geldt voor alle trajecten van de installatie)"
    )


_ALL_WORK: Final = frozenset(Permission) - {Permission.ACCOUNTS, Permission.CREATE, Permission.INSTALLATION}

GRANTS: Final[dict[Role, frozenset[Permission]]] = {
    Role.COORDINATOR: _ALL_WORK,
    Role.GRIFFIER: frozenset(
        {Permission.READ, Permission.DOCUMENTS, Permission.SESSIONS, Permission.DECISION}
    ),
    Role.WERKGROEPLID: frozenset({Permission.READ, Permission.DOCUMENTS, Permission.TEXTS}),
    Role.LEZER: frozenset({Permission.READ, Permission.DOCUMENTS}),
}


def role_label(role: str) -> str:
    return ROLE_LABELS.get(role, role)
