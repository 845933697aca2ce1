"""Request, query and response shapes of the admin API (SPEC §6), as marshmallow schemas.

The same schemas parse the requests, dump the use cases' dataclasses and feed the OpenAPI document.
"""

from __future__ import annotations

from marshmallow import EXCLUDE, RAISE, Schema, fields, validate

from ..admin.access import MAX_PER_PAGE
from ..imports.outcomes import OUTCOMES
from ..organisations import ROLES
from ..roster.organisation import ATTRIBUTE_TYPES

STATUSES = ["queued", "running", "succeeded", "failed", "undone"]


class _Body(Schema):
    class Meta:
        unknown = RAISE


class PagingQuery(Schema):
    class Meta:
        unknown = EXCLUDE

    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=10**6))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=MAX_PER_PAGE))


class ClientsQuery(PagingQuery):
    q = fields.String(load_default="", validate=validate.Length(max=200))


class RowsQuery(PagingQuery):
    outcome = fields.String(validate=validate.OneOf(OUTCOMES))


class _Page(Schema):
    page = fields.Integer()
    per_page = fields.Integer()
    total = fields.Integer()


# --- organisations and their set-up ----------------------------------------------------------


class OrganisationSchema(Schema):
    slug = fields.String()
    name = fields.String()
    role = fields.String(validate=validate.OneOf(ROLES))


class OrganisationsResult(_Page):
    organisations = fields.List(fields.Nested(OrganisationSchema))


class TagBody(_Body):
    name = fields.String(required=True, validate=validate.Length(min=1, max=100))


class TagSchema(Schema):
    name = fields.String()
    clients = fields.Integer()


class TagsResult(_Page):
    tags = fields.List(fields.Nested(TagSchema))


class TagResult(Schema):
    tag = fields.Nested(TagSchema)


_CHOICES = fields.List(
    fields.String(validate=validate.Length(min=1, max=200)), validate=validate.Length(max=500)
)


class AttributeBody(_Body):
    name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    type = fields.String(required=True, validate=validate.OneOf(ATTRIBUTE_TYPES))
    choices = _CHOICES


class ChoicesBody(_Body):
    choices = fields.List(
        fields.String(validate=validate.Length(min=1, max=200)),
        required=True,
        validate=validate.Length(min=1, max=500),
    )


class AttributeSchema(Schema):
    name = fields.String()
    type = fields.String(validate=validate.OneOf(ATTRIBUTE_TYPES))
    choices = fields.List(fields.String())


class AttributesResult(_Page):
    attributes = fields.List(fields.Nested(AttributeSchema))


class AttributeResult(Schema):
    attribute = fields.Nested(AttributeSchema)


class MemberBody(_Body):
    email = fields.String(required=True, validate=validate.Length(min=3, max=254))
    role = fields.String(load_default="pro", validate=validate.OneOf(ROLES))


class RoleBody(_Body):
    role = fields.String(required=True, validate=validate.OneOf(ROLES))


class MemberSchema(Schema):
    email = fields.String()
    role = fields.String(validate=validate.OneOf(ROLES))


class MembersResult(_Page):
    members = fields.List(fields.Nested(MemberSchema))


class MemberResult(Schema):
    member = fields.Nested(MemberSchema)


class SheetBody(_Body):
    spreadsheet_id = fields.String(
        required=True, validate=validate.Regexp(r"^[A-Za-z0-9_-]{20,200}$")
    )


class SheetSchema(Schema):
    spreadsheet_id = fields.String()
    connected_scripts = fields.Integer()


class SheetsResult(_Page):
    sheets = fields.List(fields.Nested(SheetSchema))


class SheetResult(Schema):
    sheet = fields.Nested(SheetSchema)


class LinkCodeResult(Schema):
    code = fields.String()
    expires_at = fields.DateTime()
    organisation = fields.String()


class ConnectBody(_Body):
    code = fields.String(required=True, validate=validate.Length(min=1, max=64))


class ConnectResult(Schema):
    organisation = fields.String()
    spreadsheet_id = fields.String()


class TemplateSchema(Schema):
    """GET /sheets/{id}/schema: what *Set up template* builds its dropdowns from."""

    organisation = fields.String()
    tags = fields.List(fields.String())
    attributes = fields.List(fields.Nested(AttributeSchema))
    gender = fields.List(fields.String())


# --- clients and import history --------------------------------------------------------------


class ClientSchema(Schema):
    """Every field a client has except its password hash, which no response carries."""

    email_address = fields.String()
    first_name = fields.String()
    last_name = fields.String()
    birthdate = fields.String()
    gender = fields.String()
    external_id = fields.String(allow_none=True)
    tags = fields.List(fields.String())
    attributes = fields.Dict(keys=fields.String())
    must_change_password = fields.Boolean()
    created_at = fields.DateTime(allow_none=True)
    import_id = fields.String(allow_none=True)


class ClientsResult(_Page):
    clients = fields.List(fields.Nested(ClientSchema))


class RunSchema(Schema):
    id = fields.String()
    organisation = fields.String()
    source = fields.String()
    worksheet = fields.String(attribute="worksheet_name", allow_none=True)
    status = fields.String(validate=validate.OneOf(STATUSES))
    mode = fields.String()
    update_existing = fields.Boolean()
    total = fields.Integer()
    processed = fields.Integer()
    created = fields.Integer()
    updated = fields.Integer()
    unchanged = fields.Integer()
    skipped = fields.Integer()
    failed_rows = fields.Integer()
    started_by = fields.String()
    started_at = fields.DateTime()
    finished_at = fields.DateTime(allow_none=True)
    message = fields.String(allow_none=True)
    undone_by = fields.String(allow_none=True)
    undone_at = fields.DateTime(allow_none=True)
    invitations_sent = fields.Integer()


class ImportsResult(_Page):
    imports = fields.List(fields.Nested(RunSchema))


class RowOutcomeSchema(Schema):
    row = fields.Integer()
    email = fields.String()
    outcome = fields.String(validate=validate.OneOf(OUTCOMES))
    reason = fields.String(allow_none=True)


class RowsResult(_Page):
    rows = fields.List(fields.Nested(RowOutcomeSchema))


class UndoResult(Schema):
    import_ = fields.Nested(RunSchema, data_key="import")
    removed = fields.Integer()
    reverted = fields.Integer()
    already_undone = fields.Boolean()


NAMES = [
    "PagingQuery",
    "ClientsQuery",
    "RowsQuery",
    "OrganisationsResult",
    "TagBody",
    "TagsResult",
    "TagResult",
    "AttributeBody",
    "ChoicesBody",
    "AttributesResult",
    "AttributeResult",
    "MemberBody",
    "RoleBody",
    "MembersResult",
    "MemberResult",
    "SheetBody",
    "SheetsResult",
    "SheetResult",
    "LinkCodeResult",
    "ConnectBody",
    "ConnectResult",
    "TemplateSchema",
    "ClientsResult",
    "ImportsResult",
    "RowsResult",
    "UndoResult",
]
