"""The API schema, made to tell the truth (issue 17).

drf-spectacular's AutoSchema with three corrections every endpoint gets:

- fields a serializer leaves out for some readers (``Meta.sometimes_omitted``) are not required;
- every operation documents its errors: 400 (a refused filter or body), 401/403 (no or
  insufficient credentials) and, on paths that name an object, 404 (not found, or not visible
  to the caller: the two are deliberately indistinguishable), and on paginated lists 404 for a
  page past the last;
- the error bodies have their real shape.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema

DETAIL = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
ERRORS = {
    "description": "The request was refused; each problem is named.",
    "content": {"application/json": {"schema": {"type": "object", "additionalProperties": True}}},
}


def _detail(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": DETAIL}}}


class AutoSchema(SpectacularAutoSchema):
    def _map_basic_serializer(self, serializer: Any, direction: Any) -> dict[str, Any]:
        schema = super()._map_basic_serializer(serializer, direction)
        omitted = set(getattr(getattr(serializer, "Meta", None), "sometimes_omitted", ()))
        if omitted and "required" in schema:
            schema["required"] = [name for name in schema["required"] if name not in omitted]
            if not schema["required"]:
                del schema["required"]
        return schema

    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        responses = super()._get_response_bodies(direction)
        responses.setdefault("400", ERRORS)
        responses.setdefault("401", _detail("No credentials, or credentials that are not valid."))
        responses.setdefault("403", _detail("You may not do this."))
        if "{" in self.path:
            responses.setdefault("404", _detail("Not found, or not visible to you."))
        elif self.method == "GET" and self._is_list_view():
            responses.setdefault("404", _detail("A page past the last one."))
        return responses
