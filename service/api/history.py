"""API routes for an organisation's clients and import history, and undo (SPEC §5, §6)."""

from __future__ import annotations

from typing import Any

from .. import extensions
from ..admin import clients, history
from ..admin.access import Actor
from . import admin_schemas as s
from . import bp
from .callers import org_actor, page_of, paging, query, run_caller


@bp.get("/orgs/<slug>/clients")
def clients_search(slug: str) -> Any:
    actor = org_actor()
    data = query(s.ClientsQuery())
    page = clients.search_clients(extensions.db(), actor, slug, data["q"], paging(data))
    return page_of(s.ClientsResult(), "clients", page), 200


@bp.get("/orgs/<slug>/imports")
def imports_list(slug: str) -> Any:
    actor = org_actor()
    page = history.list_imports(extensions.db(), actor, slug, paging(query(s.PagingQuery())))
    return page_of(s.ImportsResult(), "imports", page), 200


@bp.get("/imports/<import_id>/rows")
def import_rows(import_id: str) -> Any:
    actor = Actor(run_caller(import_id).email)
    data = query(s.RowsQuery())
    page = history.import_rows(extensions.db(), actor, import_id, paging(data), data.get("outcome"))
    return page_of(s.RowsResult(), "rows", page), 200


@bp.post("/imports/<import_id>/undo")
def import_undo(import_id: str) -> Any:
    actor = Actor(run_caller(import_id).email)
    undone = history.undo_import(extensions.db(), actor, import_id)
    return (
        s.UndoResult().dump(
            {
                "import_": undone.run,
                "removed": undone.removed,
                "reverted": undone.reverted,
                "already_undone": undone.already_undone,
            }
        ),
        200,
    )
