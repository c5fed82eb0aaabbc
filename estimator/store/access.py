"""Team mode: who may do what in which workspace, checked in one place, deny by default.

One setting turns team mode on (:data:`TEAM_ENV`, ``CHURN_ESTIMATOR_TEAM=1``); without it nothing here
is used and the library works as before. In team mode the app signs people in through the firm's
identity provider (``ui/signin.py``) and every library call goes through :class:`TeamStore`, a facade
over :class:`~estimator.store.database.ScenarioStore` that knows the signed-in :class:`Identity`:

- a workspace has members, each an email with a role: ``owner`` (manage members, delete, read the
  audit), ``editor`` (save, restore, import, rename, move) or ``viewer`` (open, compare, export);
- a workspace, scenario or version the identity may not see is reported exactly as one that does not
  exist (the same ``unknown`` error, an empty list), in every read;
- the first person to save into a workspace that does not exist yet becomes its owner;
- every action, allowed or refused, is written to the audit trail (:mod:`estimator.store.audit`);
- the author of every version is the identity's email, never a typed name;
- deleting is a soft delete an owner can undo or make final (purge); rename and move add a version.

The command line does not go through this facade: it talks to the database with its own
credentials (whoever can reach the database can manage members: ``scenarios members ...``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from estimator.store import audit
from estimator.store.codec import WorkspaceFile
from estimator.store.database import ScenarioStore
from estimator.store.rows import SCENARIOS, VERSIONS, WORKSPACES, table, text_columns
from estimator.store.types import (
    SavedScenario,
    ScenarioError,
    ScenarioInfo,
    VersionInfo,
    WorkspaceInfo,
    check_name,
    unknown_scenario,
)
from estimator.team_mode import TEAM_ENV, team_mode

__all__ = [
    "MEMBERS",
    "ROLES",
    "TEAM_ENV",
    "DeletedScenario",
    "Identity",
    "Member",
    "TeamStore",
    "add_member",
    "list_members",
    "remove_member",
    "team_mode",
]

#: The roles, weakest first: each may do everything the ones before it may.
ROLES = ("viewer", "editor", "owner")
_RANK = {role: rank for rank, role in enumerate(ROLES)}
#: Marks a soft-deleted scenario's name (a control character no user name can hold), so its name is free again.
_DELETED_MARK = "\x1f"

MEMBERS = table(
    "workspace_members", sa.Column("workspace_id", sa.Integer), *text_columns("email", "role", "added_at", "added_by"), key=False
)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


@dataclass(frozen=True)
class Identity:
    """A signed-in person as the identity provider vouched for them: email (lower case) and subject."""

    email: str
    subject: str = ""

    @classmethod
    def from_claims(cls, claims: Mapping[str, Any]) -> Identity | None:
        """The identity in an ID token's claims, or ``None`` without a usable email."""
        email = str(claims.get("email") or "").strip().lower()
        if not _EMAIL.fullmatch(email) or len(email) > 254:
            return None
        return cls(email, str(claims.get("sub") or ""))


@dataclass(frozen=True)
class Member:
    """One member of a workspace."""

    email: str
    role: str
    added_at: str
    added_by: str


@dataclass(frozen=True)
class DeletedScenario:
    """A soft-deleted scenario: its name, when and by whom it was deleted, its last version."""

    name: str
    deleted_at: str
    deleted_by: str
    version: int


#: An email address as identity providers send them: ASCII, one ``@``, a dotted domain (no control, format or
#: Markdown-active characters reach a table, a terminal or the audit CSV through a member's name).
_EMAIL = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)+")


def _check_email(email: str) -> str:
    clean = (email or "").strip().lower() if isinstance(email, str) else ""
    if not _EMAIL.fullmatch(clean) or len(clean) > 254:
        raise ScenarioError(
            f"email: {email!r} is not an email address; allowed: name@domain", code="email", field="email", value=email
        )
    return clean


def _check_role(role: str) -> str:
    if role not in ROLES:
        raise ScenarioError(f"role: {role!r} is not a role; allowed: {', '.join(ROLES)}", code="role", field="role", value=role)
    return role


def _workspace_id(connection: Connection, name: str) -> int | None:
    return connection.execute(sa.select(WORKSPACES.c.id).where(WORKSPACES.c.name == name)).scalar()


def _role(connection: Connection, workspace_id: int | None, email: str) -> str | None:
    if workspace_id is None:
        return None
    return connection.execute(
        sa.select(MEMBERS.c.role).where(MEMBERS.c.workspace_id == workspace_id, MEMBERS.c.email == email)
    ).scalar()


def _owners(connection: Connection, workspace_id: int) -> int:
    query = sa.select(sa.func.count()).where(MEMBERS.c.workspace_id == workspace_id, MEMBERS.c.role == "owner")
    return int(connection.execute(query).scalar() or 0)


# --- members, for the app's owners and for the CLI (which has the database's own credentials) ------------------


def list_members(store: ScenarioStore) -> list[Member]:
    """The members of ``store``'s workspace, owners first, then by email."""
    with store._reading() as connection:
        if connection is None:
            return []
        workspace_id = _workspace_id(connection, store.workspace)
        rows = connection.execute(sa.select(MEMBERS).where(MEMBERS.c.workspace_id == workspace_id)).all()
    members = [Member(row.email, row.role, row.added_at, row.added_by or "") for row in rows]
    return sorted(members, key=lambda m: (-_RANK.get(m.role, 0), m.email))


def add_member(store: ScenarioStore, email: str, role: str, *, added_by: str = "", subject: str = "") -> str:
    """Give ``email`` the ``role`` in ``store``'s workspace (created if need be); returns the action recorded.

    Refuses to leave a workspace without an owner (``last_owner``).
    """
    clean, chosen = _check_email(email), _check_role(role)
    with store._writing() as connection:
        workspace_id = store._ensure_workspace(connection)
        before = _role(connection, workspace_id, clean)
        if before == chosen:
            return "member_role"
        if before == "owner" and _owners(connection, workspace_id) == 1:
            raise _last_owner(clean)
        if before is None:
            connection.execute(
                MEMBERS.insert().values(workspace_id=workspace_id, email=clean, role=chosen, added_at=_now(), added_by=added_by)
            )
        else:
            connection.execute(
                MEMBERS.update().where(MEMBERS.c.workspace_id == workspace_id, MEMBERS.c.email == clean).values(role=chosen)
            )
        action = "member_add" if before is None else "member_role"
        audit.record(
            connection,
            email=added_by or "(database)",
            subject=subject,
            action=action,
            workspace=store.workspace,
            detail=f"{clean}: {before or '-'} -> {chosen}",
        )
    return action


def remove_member(store: ScenarioStore, email: str, *, removed_by: str = "", subject: str = "") -> None:
    """Take ``email`` out of ``store``'s workspace (``unknown_member`` if absent; never the last owner)."""
    clean = _check_email(email)
    with store._writing() as connection:
        workspace_id = _workspace_id(connection, store.workspace)
        before = _role(connection, workspace_id, clean)
        if before is None:
            raise ScenarioError(
                f"email: {clean!r} is not a member of workspace {store.workspace!r}; allowed: one of its members",
                code="unknown_member",
                field="email",
                value=clean,
            )
        if before == "owner" and _owners(connection, workspace_id) == 1:  # type: ignore[arg-type]
            raise _last_owner(clean)
        connection.execute(MEMBERS.delete().where(MEMBERS.c.workspace_id == workspace_id, MEMBERS.c.email == clean))
        audit.record(
            connection,
            email=removed_by or "(database)",
            subject=subject,
            action="member_remove",
            workspace=store.workspace,
            detail=f"{clean}: {before} -> -",
        )


def _last_owner(email: str) -> ScenarioError:
    return ScenarioError(
        f"email: {email!r} is the workspace's last owner; allowed: make someone else owner first",
        code="last_owner",
        field="email",
        value=email,
    )


# --- the facade ------------------------------------------------------------------------------------------------


class TeamStore:
    """The library as one signed-in person may use it: every call checked against their role, then audited.

    Parameters
    ----------
    store : ScenarioStore
        The library and the workspace opened.
    identity : Identity
        Who is signed in (from the identity provider, never typed).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from estimator import Parameters
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "team.sqlite3"
    >>> alice = TeamStore(ScenarioStore(path, workspace="A"), Identity("alice@firm.example", "a1"))
    >>> alice.save("Plan", Parameters()).author, alice.role()
    ('alice@firm.example', 'owner')
    >>> bob = TeamStore(ScenarioStore(path, workspace="A"), Identity("bob@firm.example", "b2"))
    >>> bob.names(), [w.name for w in bob.workspaces()]
    ([], [])
    """

    def __init__(self, store: ScenarioStore, identity: Identity):
        self.store = store
        self.identity = identity

    @property
    def workspace(self) -> str:
        return self.store.workspace

    @property
    def location(self) -> str:
        return self.store.location

    @property
    def engine_name(self) -> str:
        return self.store.engine_name

    def in_workspace(self, workspace: str) -> TeamStore:
        return TeamStore(self.store.in_workspace(workspace), self.identity)

    def __repr__(self) -> str:
        return f"TeamStore({self.store!r}, {self.identity.email!r})"

    # --- checks ---------------------------------------------------------------------------------------

    def role(self, workspace: str | None = None) -> str | None:
        """The identity's role in ``workspace`` (this one by default), ``None`` when not a member."""
        name = self.workspace if workspace is None else workspace
        with self.store._reading() as connection:
            if connection is None:
                return None
            return _role(connection, _workspace_id(connection, name), self.identity.email)

    def may(self, needed: str, workspace: str | None = None) -> bool:
        """Whether the identity holds ``needed`` (or a stronger role) in the workspace."""
        held = self.role(workspace)
        return held is not None and _RANK[held] >= _RANK[needed]

    def _record(self, connection: Connection | None = None, **fields: Any) -> None:
        fields.setdefault("workspace", self.workspace)
        if connection is not None:
            audit.record(connection, email=self.identity.email, subject=self.identity.subject, **fields)
            return
        with self.store._writing() as writing:
            audit.record(writing, email=self.identity.email, subject=self.identity.subject, **fields)

    def _recording(self, action: str, detail: str | None = None) -> AbstractContextManager[None]:
        """Within the block, each version the store saves gets its ``action`` row in the same transaction
        (``detail``: the version's note unless given), so no crash leaves a version unaudited."""

        def written(connection: Connection, saved: SavedScenario) -> None:
            note = saved.note if detail is None else detail
            self._record(connection, action=action, scenario=saved.name, version=saved.version, detail=note)

        return self.store._on_version_written(written)

    def _unknown(self, name: str) -> ScenarioError:
        # What the store says for a name that is not saved, counting what this identity sees: a refusal reveals nothing.
        return unknown_scenario(name, self.workspace, len(self.names()))

    def _not_allowed(self, needed: str, action: str, scenario: str = "") -> ScenarioError:
        self._record(action="denied", scenario=scenario, detail=f"{action} needs {needed}")
        return ScenarioError(
            f"workspace: {self.workspace!r} cannot be changed by {self.identity.email}; allowed: a workspace where "
            f"you are {needed}{' or owner' if needed == 'editor' else ''} (an owner adds members), or a new workspace",
            code="forbidden",
            field="workspace",
            value=self.workspace,
        )

    def _viewing(self, name: str | None = None) -> bool:
        """True when the identity may read; else the caller answers as for an empty, unknown workspace."""
        return self.may("viewer")

    def _claim_or_check(self, needed: str, action: str, scenario: str = "") -> None:
        """Check ``needed``; a workspace nobody has created yet becomes the identity's, as its owner."""
        held = self.role()  # a read first: the common case (a member) takes no write lock
        if held is not None:
            if _RANK[held] < _RANK[needed]:
                raise self._not_allowed(needed, action, scenario)
            return
        with self.store._writing() as connection:
            workspace_id = _workspace_id(connection, self.workspace)
            if workspace_id is None:
                workspace_id = self.store._ensure_workspace(connection)
                connection.execute(
                    MEMBERS.insert().values(
                        workspace_id=workspace_id, email=self.identity.email, role="owner", added_at=_now(), added_by=""
                    )
                )
                audit.record(
                    connection,
                    email=self.identity.email,
                    subject=self.identity.subject,
                    action="member_add",
                    workspace=self.workspace,
                    detail=f"{self.identity.email}: - -> owner (created the workspace)",
                )
                return
            held = _role(connection, workspace_id, self.identity.email)
        if held is None or _RANK[held] < _RANK[needed]:
            raise self._not_allowed(needed, action, scenario)

    # --- reading --------------------------------------------------------------------------------------

    def workspaces(self) -> list[WorkspaceInfo]:
        """The workspaces the identity is a member of (the others do not exist for them)."""
        with self.store._reading() as connection:
            if connection is None:
                return []
            mine = set(
                connection.execute(
                    sa.select(WORKSPACES.c.name)
                    .select_from(MEMBERS.join(WORKSPACES, WORKSPACES.c.id == MEMBERS.c.workspace_id))
                    .where(MEMBERS.c.email == self.identity.email)
                ).scalars()
            )
        return [info for info in self.store.workspaces() if info.name in mine]

    def workspace_exists(self, name: str | None = None) -> bool:
        return self.may("viewer", name)

    def list(self) -> list[ScenarioInfo]:
        return self.store.list() if self._viewing() else []

    def names(self) -> list[str]:
        return [info.name for info in self.list()]

    def __contains__(self, name: object) -> bool:
        return self._viewing() and name in self.store

    def __len__(self) -> int:
        return len(self.store) if self._viewing() else 0

    def load(self, name: str) -> SavedScenario:
        if not self._viewing():
            raise self._unknown(str(name).strip())
        return self.store.load(name)

    def versions(self, name: str) -> list[VersionInfo]:
        if not self._viewing():
            raise self._unknown(str(name).strip())
        return self.store.versions(name)

    def load_version(self, name: str, version: int) -> SavedScenario:
        if not self._viewing():
            raise self._unknown(str(name).strip())
        return self.store.load_version(name, version)

    def history(self, name: str) -> list[SavedScenario]:
        if not self._viewing():
            raise self._unknown(str(name).strip())
        return self.store.history(name)

    def open(self, name: str) -> SavedScenario:
        """Load a scenario into the app (audited as ``open``)."""
        scenario = self.load(name)
        self._record(action="open", scenario=scenario.name, version=scenario.version)
        return scenario

    def export_workspace(self) -> str:
        if not self._viewing():
            raise self._unknown(self.workspace)
        return self.store.export_workspace()  # the caller records the download (record_export)

    def record_export(self, name: str, version: int | None, fmt: str) -> None:
        """Note that a scenario left the library as a file (the app's download buttons)."""
        if self._viewing():
            self._record(action="export", scenario=name, version=version, detail=fmt)

    # --- writing --------------------------------------------------------------------------------------

    def save(self, name: str, parameters: Mapping[str, Any], **kwargs: Any) -> SavedScenario:
        """Save as the identity (any ``author`` given is ignored); needs editor."""
        self._claim_or_check("editor", "save", str(name))
        kwargs["author"] = self.identity.email
        with self._recording("save"):
            return self.store.save(name, parameters, **kwargs)

    def save_draft(self, draft, **kwargs: Any) -> SavedScenario:
        self._claim_or_check("editor", "import", str(draft.name))
        kwargs["author"] = self.identity.email
        with self._recording("import", detail=""):
            return self.store.save_draft(draft, **kwargs)

    def restore(self, name: str, version: int, **kwargs: Any) -> SavedScenario:
        if not self._viewing():
            raise self._unknown(str(name).strip())
        self._claim_or_check("editor", "restore", str(name))
        kwargs["author"] = self.identity.email
        with self._recording("restore", detail=f"from version {version}"):
            return self.store.restore(name, version, **kwargs)

    def duplicate(self, name: str, new_name: str, **_: Any) -> SavedScenario:
        if not self._viewing():
            raise self._unknown(str(name).strip())
        self._claim_or_check("editor", "save", str(new_name))
        with self._recording("save", detail=f"copy of {name}"):
            return self.store.duplicate(name, new_name, author=self.identity.email)

    def rename(self, name: str, new_name: str) -> None:
        """Rename, then record the rename as a version of its own (same values, a note saying so)."""
        if not self._viewing():
            raise self._unknown(str(name).strip())
        self._claim_or_check("editor", "rename", str(name))
        self.store.rename(name, new_name)
        clean = check_name(new_name, "new_name")
        if clean != str(name).strip():
            with self._recording("rename", detail=f"from {str(name).strip()}"):
                self.store.save_draft(
                    self.store.load(clean), overwrite=True, author=self.identity.email, note=f"renamed from {str(name).strip()!r}"
                )

    def move(self, name: str, workspace: str, *, new_name: str | None = None) -> bool:
        """Move to a workspace where the identity is editor (or a new one, which becomes theirs); a version."""
        if not self._viewing():
            raise self._unknown(str(name).strip())
        self._claim_or_check("editor", "move", str(name))
        target = self.in_workspace(workspace)
        target._claim_or_check("editor", "move", str(name))
        created = self.store.move(name, workspace, new_name=new_name)
        final = check_name(new_name if new_name is not None else name, "new_name")
        self._record(action="move", scenario=str(name).strip(), detail=f"to {workspace}")
        with target._recording("move", detail=f"from {self.workspace}"):
            target.store.save_draft(
                target.store.load(final),
                overwrite=True,
                author=self.identity.email,
                note=f"moved from workspace {self.workspace!r}",
            )
        return created

    def import_workspace(self, workspace_file: WorkspaceFile, *, overwrite: bool = False) -> list[str]:
        """Import as the identity: the file's authors and dates are kept as claims (needs editor)."""
        self._claim_or_check("editor", "import")
        names = self.store.import_workspace(workspace_file, overwrite=overwrite, recorded_by=self.identity.email)
        self._record(action="import", detail=f"workspace file: {len(names)} scenarios")
        return names

    # --- soft delete (owners) -------------------------------------------------------------------------

    def delete(self, name: str) -> None:
        """Hide a scenario with its whole history; an owner can bring it back or purge it."""
        if not self._viewing():
            raise self._unknown(str(name).strip())
        self._claim_or_check("owner", "delete", str(name))
        key = str(name).strip()
        with self.store._writing() as connection:
            row = self.store._current(connection, key, lock=True)
            if row is None:
                raise self.store._unknown(key)
            connection.execute(
                SCENARIOS.update()
                .where(SCENARIOS.c.id == row.id)
                .values(deleted_at=_now(), deleted_by=self.identity.email, name=f"{key}{_DELETED_MARK}{row.id}")
            )
            self._record(connection, action="delete", scenario=key, version=int(row.version))

    def _deleted_rows(self, connection: Connection):
        return connection.execute(
            sa.select(SCENARIOS.c.id, SCENARIOS.c.name, SCENARIOS.c.deleted_at, SCENARIOS.c.deleted_by, SCENARIOS.c.version)
            .select_from(SCENARIOS.join(WORKSPACES, WORKSPACES.c.id == SCENARIOS.c.workspace_id))
            .where(WORKSPACES.c.name == self.workspace, SCENARIOS.c.deleted_at.is_not(None))
            .order_by(SCENARIOS.c.deleted_at.desc())
        ).all()

    def deleted(self) -> list[DeletedScenario]:
        """The workspace's soft-deleted scenarios (owners only; others see none)."""
        if not self.may("owner"):
            return []
        with self.store._reading() as connection:
            rows = [] if connection is None else self._deleted_rows(connection)
        return [DeletedScenario(r.name.split(_DELETED_MARK)[0], r.deleted_at, r.deleted_by or "", int(r.version)) for r in rows]

    def _find_deleted(self, connection: Connection, name: str):
        for row in self._deleted_rows(connection):
            if row.name.split(_DELETED_MARK)[0] == name:
                return row
        raise ScenarioError(
            f"name: {name!r} is not a deleted scenario in workspace {self.workspace!r}; allowed: one of the deleted ones",
            code="unknown",
            field="name",
            value=name,
        )

    def restore_deleted(self, name: str) -> None:
        """Bring a deleted scenario back under its name (``duplicate`` if the name was taken since)."""
        self._claim_or_check("owner", "restore_deleted", name)
        with self.store._writing() as connection:
            row = self._find_deleted(connection, name)
            if self.store._current(connection, name) is not None:
                raise ScenarioError(
                    f"name: {name!r} is already saved; allowed: rename that one first",
                    code="duplicate",
                    field="name",
                    value=name,
                )
            connection.execute(
                SCENARIOS.update().where(SCENARIOS.c.id == row.id).values(deleted_at=None, deleted_by=None, name=name)
            )
            self._record(connection, action="restore_deleted", scenario=name, version=int(row.version))

    def purge(self, name: str) -> None:
        """Remove a deleted scenario and its history for good (the audit keeps that it existed)."""
        self._claim_or_check("owner", "purge", name)
        with self.store._writing() as connection:
            row = self._find_deleted(connection, name)
            connection.execute(VERSIONS.delete().where(VERSIONS.c.scenario_id == row.id))
            connection.execute(SCENARIOS.delete().where(SCENARIOS.c.id == row.id))
            self._record(connection, action="purge", scenario=name, version=int(row.version))

    # --- members and the trail (owners) ---------------------------------------------------------------

    def members(self) -> list[Member]:
        return list_members(self.store) if self.may("owner") else []

    def set_member(self, email: str, role: str) -> None:
        self._claim_or_check("owner", "member_add")
        add_member(self.store, email, role, added_by=self.identity.email, subject=self.identity.subject)

    def remove_member(self, email: str) -> None:
        self._claim_or_check("owner", "member_remove")
        remove_member(self.store, email, removed_by=self.identity.email, subject=self.identity.subject)

    def audit(self) -> list[audit.AuditEntry]:
        """The workspace's trail and its members' sign-ins, newest first (owners only)."""
        if not self.may("owner"):
            return []
        members = tuple(member.email for member in list_members(self.store))
        with self.store._reading() as connection:
            return [] if connection is None else audit.read_audit(connection, self.workspace, sign_ins_of=members)

    def record_sign_in(self) -> None:
        """The identity signed in (recorded once per session, outside any workspace)."""
        with self.store._writing() as connection:
            audit.record(connection, email=self.identity.email, subject=self.identity.subject, action="sign_in", workspace="")
