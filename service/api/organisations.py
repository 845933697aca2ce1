"""Admin API routes for an organisation's set-up (SPEC §6): parse → use case → dump."""

from __future__ import annotations

from typing import Any

from .. import extensions
from ..admin import linking, setup
from ..admin.access import Page
from . import admin_schemas as s
from . import bp
from .callers import admin_body, org_actor, page_of, paging, query


@bp.get("/orgs")
def orgs_list() -> Any:
    actor = org_actor()
    wanted = paging(query(s.PagingQuery()))
    found = setup.list_organisations(extensions.db(), actor)  # a person's few: paged here
    start = (wanted.page - 1) * wanted.per_page
    page = Page(found[start : start + wanted.per_page], wanted.page, wanted.per_page, len(found))
    return page_of(s.OrganisationsResult(), "organisations", page), 200


@bp.get("/orgs/<slug>/tags")
def tags_list(slug: str) -> Any:
    actor = org_actor()
    page = setup.list_tags(extensions.db(), actor, slug, paging(query(s.PagingQuery())))
    return page_of(s.TagsResult(), "tags", page), 200


@bp.post("/orgs/<slug>/tags")
def tags_add(slug: str) -> Any:
    actor = org_actor()
    data = admin_body(actor, slug, s.TagBody(), "add tags")
    return s.TagResult().dump(
        {"tag": setup.add_tag(extensions.db(), actor, slug, data["name"])}
    ), 201


@bp.delete("/orgs/<slug>/tags/<name>")
def tags_remove(slug: str, name: str) -> Any:
    setup.remove_tag(extensions.db(), org_actor(), slug, name)
    return "", 204


@bp.get("/orgs/<slug>/attributes")
def attributes_list(slug: str) -> Any:
    actor = org_actor()
    page = setup.list_attributes(extensions.db(), actor, slug, paging(query(s.PagingQuery())))
    return page_of(s.AttributesResult(), "attributes", page), 200


@bp.post("/orgs/<slug>/attributes")
def attributes_add(slug: str) -> Any:
    actor = org_actor()
    data = admin_body(actor, slug, s.AttributeBody(), "add attributes")
    added = setup.add_attribute(
        extensions.db(), actor, slug, data["name"], data["type"], data.get("choices")
    )
    return s.AttributeResult().dump({"attribute": added}), 201


@bp.patch("/orgs/<slug>/attributes/<name>")
def attributes_add_choices(slug: str, name: str) -> Any:
    actor = org_actor()
    data = admin_body(actor, slug, s.ChoicesBody(), "change attributes")
    changed = setup.add_choices(extensions.db(), actor, slug, name, data["choices"])
    return s.AttributeResult().dump({"attribute": changed}), 200


@bp.delete("/orgs/<slug>/attributes/<name>")
def attributes_remove(slug: str, name: str) -> Any:
    setup.remove_attribute(extensions.db(), org_actor(), slug, name)
    return "", 204


@bp.get("/orgs/<slug>/members")
def members_list(slug: str) -> Any:
    actor = org_actor()
    page = setup.list_members(extensions.db(), actor, slug, paging(query(s.PagingQuery())))
    return page_of(s.MembersResult(), "members", page), 200


@bp.post("/orgs/<slug>/members")
def members_add(slug: str) -> Any:
    actor = org_actor()
    data = admin_body(actor, slug, s.MemberBody(), "add members")
    added = setup.add_member(extensions.db(), actor, slug, data["email"], data["role"])
    return s.MemberResult().dump({"member": added}), 201


@bp.patch("/orgs/<slug>/members/<email>")
def members_change_role(slug: str, email: str) -> Any:
    actor = org_actor()
    data = admin_body(actor, slug, s.RoleBody(), "change roles")
    changed = setup.change_role(extensions.db(), actor, slug, email, data["role"])
    return s.MemberResult().dump({"member": changed}), 200


@bp.delete("/orgs/<slug>/members/<email>")
def members_remove(slug: str, email: str) -> Any:
    setup.remove_member(extensions.db(), org_actor(), slug, email)
    return "", 204


@bp.get("/orgs/<slug>/sheets")
def sheets_list(slug: str) -> Any:
    actor = org_actor()
    page = setup.list_sheets(extensions.db(), actor, slug, paging(query(s.PagingQuery())))
    return page_of(s.SheetsResult(), "sheets", page), 200


@bp.post("/orgs/<slug>/sheets")
def sheets_link(slug: str) -> Any:
    actor = org_actor()
    data = admin_body(actor, slug, s.SheetBody(), "link sheets")
    linked = setup.link_sheet(extensions.db(), actor, slug, data["spreadsheet_id"])
    return s.SheetResult().dump({"sheet": linked}), 201


@bp.delete("/orgs/<slug>/sheets/<spreadsheet_id>")
def sheets_unlink(slug: str, spreadsheet_id: str) -> Any:
    setup.unlink_sheet(extensions.db(), org_actor(), slug, spreadsheet_id)
    return "", 204


@bp.post("/orgs/<slug>/link-codes")
def link_codes_create(slug: str) -> Any:
    issued = linking.create_link_code(extensions.db(), org_actor(), slug)
    return s.LinkCodeResult().dump(issued), 201
