"""Who is acting now, bound once per run, and the one check every use case that changes something makes.

The UI shell binds the logged-in person at the start of every page run (`ui/shell/auth.py`, through `set_provider`,
so widget callbacks that run before `app.py` see the same person); the command line binds the machine's
operator as beheerder. Code that runs with nothing bound (start-up, the demo loader, tests of the core) acts
as the system, which may do everything: only a person is ever limited.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from types import MappingProxyType

from ivp_core.access.roles import GRANTS, Permission, Role
from ivp_core.errors import UserError


class AccessDenied(UserError):
    """A person tried something outside their role; nothing was changed."""


@dataclass(frozen=True)
class Actor:
    """A person (or the system) with their roles per trajectory; ``label`` is what the audit trail records."""

    label: str
    user_id: int | None = None
    is_admin: bool = False
    roles: Mapping[int, Role] = field(default_factory=lambda: MappingProxyType({}))
    #: False for a visitor who is not logged in (a resident, the public analysis pages).
    logged_in: bool = True

    def role_in(self, trajectory_id: int | None) -> Role | None:
        return None if trajectory_id is None else self.roles.get(trajectory_id)

    def can(self, permission: Permission, trajectory_id: int | None = None) -> bool:
        if self.is_admin:
            return True
        if not self.logged_in:
            return False
        if permission == Permission.CREATE:
            return Role.COORDINATOR in self.roles.values()
        if permission in (Permission.ACCOUNTS, Permission.INSTALLATION):
            return False
        if trajectory_id is None:  # "somewhere": may this person do this kind of work in any trajectory?
            return any(permission in GRANTS[role] for role in self.roles.values())
        role = self.roles.get(trajectory_id)
        return role is not None and permission in GRANTS[role]

    def sees(self, trajectory_id: int) -> bool:
        return self.is_admin or trajectory_id in self.roles


SYSTEM = Actor(label="systeem", is_admin=True)
PUBLIC = Actor(label="bezoeker", logged_in=False)

_BOUND: ContextVar[Actor | None] = ContextVar("ivp_actor", default=None)
_provider: Callable[[], Actor | None] | None = None


def set_provider(provider: Callable[[], Actor | None] | None) -> None:
    """The UI installs a function that returns the actor of the running browser session (None outside one)."""
    global _provider
    _provider = provider


def current() -> Actor:
    bound = _BOUND.get()
    if bound is not None:
        return bound
    if _provider is not None:
        provided = _provider()
        if provided is not None:
            return provided
    return SYSTEM


@contextmanager
def acting_as(actor: Actor) -> Iterator[Actor]:
    token = _BOUND.set(actor)
    try:
        yield actor
    finally:
        _BOUND.reset(token)


def can(permission: Permission, trajectory_id: int | None = None) -> bool:
    return current().can(permission, trajectory_id)


def require(permission: Permission, trajectory_id: int | None = None) -> Actor:
    """Refuse in Dutch (`AccessDenied`) unless the acting person may do this; call before any write."""
    actor = current()
    if actor.can(permission, trajectory_id):
        return actor
    if not actor.logged_in:
        raise AccessDenied(f"Hiervoor moet u ingelogd zijn ({permission.value}). Er is niets gewijzigd.")
    where = " in dit traject" if trajectory_id is not None else ""
    raise AccessDenied(
        f"Dit mag u niet{where}: {permission.value}. Uw rol laat dat niet toe; er is niets gewijzigd. "
        "Vraag de coördinator of de beheerder als u dit wel moet kunnen."
    )
