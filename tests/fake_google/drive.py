"""Drive v3: create, get, list and delete files, as gspread uses them for spreadsheets."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import unquote

from .errors import legacy_error
from .fields import FieldsError, parse, select
from .request import Request, Response, Route
from .sheets import SPREADSHEET_MIME, now_rfc3339


def select_fields(resource: dict[str, Any], fields: str | None) -> dict[str, Any]:
    """Apply Drive's `fields` selector (Drive answers a fixed default set without one)."""
    if not fields:
        return resource
    try:
        return select(resource, parse(fields))
    except FieldsError:
        raise legacy_error(
            400,
            f"Invalid field selection {fields}",
            "invalidParameter",
            location="fields",
            locationType="parameter",
        ) from None


def file_resource(state: Any, file_id: str) -> dict[str, Any] | None:
    """Every field we know of a file (spreadsheet or plain file)."""
    book = state.spreadsheets.get(file_id)
    if book is not None:
        return {
            "kind": "drive#file",
            "id": book.spreadsheet_id,
            "name": book.title,
            "mimeType": SPREADSHEET_MIME,
            "createdTime": book.created,
            "modifiedTime": book.modified,
        }
    return state.files.get(file_id)


_DEFAULT_FIELDS = "kind,id,name,mimeType"
_Q_NAME = re.compile(r"name\s*=\s*'((?:[^'\\]|\\.)*)'")
_Q_MIME = re.compile(r"mimeType\s*=\s*'([^']*)'")


def route(state: Any, req: Request) -> Route:
    """Map a `/drive/v3/files...` request to its Route."""
    rest = req.path[len("/drive/v3/files") :].strip("/")

    def not_found(file_id: str) -> Any:
        return legacy_error(
            404,
            f"File not found: {file_id}.",
            "notFound",
            location="fileId",
            locationType="parameter",
        )

    if not rest:
        if req.method == "POST":

            def create() -> Response:
                body = req.json("drive")
                name = body.get("name") or "Untitled"
                mime = body.get("mimeType") or "application/octet-stream"
                if mime == SPREADSHEET_MIME:
                    file_id = state.new_spreadsheet(name).spreadsheet_id
                else:
                    file_id = state.new_file_id()
                    now = now_rfc3339()
                    state.files[file_id] = {
                        "kind": "drive#file",
                        "id": file_id,
                        "name": name,
                        "mimeType": mime,
                        "createdTime": now,
                        "modifiedTime": now,
                    }
                resource = file_resource(state, file_id) or {}
                return Response(
                    200, select_fields(resource, req.param("fields") or _DEFAULT_FIELDS)
                )

            return Route("drive.files.create", "drive", None, create)
        if req.method == "GET":

            def list_files() -> Response:
                q = req.param("q") or ""
                ids = list(state.spreadsheets) + list(state.files)
                found = []
                for file_id in ids:
                    resource = file_resource(state, file_id)
                    if resource is None:
                        continue
                    m = _Q_MIME.search(q)
                    if m and resource["mimeType"] != m.group(1):
                        continue
                    n = _Q_NAME.search(q)
                    if n and resource["name"] != n.group(1).replace("\\'", "'"):
                        continue
                    found.append(resource)
                body = {"kind": "drive#fileList", "incompleteSearch": False, "files": found}
                fields = req.param("fields") or "kind,incompleteSearch,files(kind,id,name,mimeType)"
                return Response(200, select_fields(body, fields))

            return Route("drive.files.list", "drive", None, list_files)
        raise not_found("")

    file_id = unquote(rest)
    if req.method == "GET":

        def get() -> Response:
            resource = file_resource(state, file_id)
            if resource is None:
                raise not_found(file_id)
            return Response(200, select_fields(resource, req.param("fields") or _DEFAULT_FIELDS))

        return Route("drive.files.get", "drive", file_id, get)
    if req.method == "DELETE":

        def delete() -> Response:
            if (
                state.spreadsheets.pop(file_id, None) is None
                and state.files.pop(file_id, None) is None
            ):
                raise not_found(file_id)
            return Response(204)

        return Route("drive.files.delete", "drive", file_id, delete)
    raise not_found(file_id)
