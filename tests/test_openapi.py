"""The published API description (/api/v1/openapi.json) is the one the code answers with
(issue 13): one component per schema name, the component of each name is the model the
operations really use, and every operation documents the error answers it can give."""

import enum
import typing

import pydantic
import pytest
from ninja.params.models import ParamModel

from tthc.api import api

pytestmark = pytest.mark.django_db

# Operations that count attempts per sender and answer 429 `throttled`.
RATE_LIMITED = {("post", "/api/v1/dossiers"), ("post", "/api/v1/feedback/")}
# Operations that refuse a duplicate or a transition with 409.
CONFLICTS = {
    ("post", "/api/v1/dossiers"),
    ("post", "/api/v1/staff/dossiers/{code}/actions/{action}"),
}


@pytest.fixture(scope="module")
def schema():
    from django.test import Client

    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def operations(schema):
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            yield method, path, operation


def ninja_operations():
    """operationId → django-ninja's Operation, as the schema generator walks them."""
    found = {}
    for bound in api._get_bound_routers():
        for path_view in bound.path_operations.values():
            for operation in path_view.operations:
                op_id = operation.operation_id or api.get_openapi_operation_id(operation)
                found[op_id] = operation
    return found


def named_types(annotation, seen: dict[str, set], depth=0):
    """Every pydantic model and enum reachable from `annotation`, by the name it is published
    under."""
    if depth > 20:
        return
    if isinstance(annotation, type) and issubclass(annotation, pydantic.BaseModel):
        # django-ninja's own wrappers of an operation's parameters are never published.
        if not issubclass(annotation, ParamModel):
            seen.setdefault(annotation.__name__, set()).add(annotation)
        for field in annotation.model_fields.values():
            named_types(field.annotation, seen, depth + 1)
        return
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        seen.setdefault(annotation.__name__, set()).add(annotation)
        return
    for argument in typing.get_args(annotation):
        named_types(argument, seen, depth + 1)


def response_types() -> dict[str, set]:
    seen: dict[str, set] = {}
    for operation in ninja_operations().values():
        for model in (operation.response_models or {}).values():
            if model is not None:
                named_types(model.model_fields["response"].annotation, seen)
        for model in operation.models:
            named_types(model, seen)
    return seen


def test_the_operations_are_the_ones_ninja_serves(schema):
    assert {op["operationId"] for _m, _p, op in operations(schema)} == set(ninja_operations())


def test_no_two_models_share_a_published_name():
    collisions = {
        name: sorted(f"{c.__module__}.{c.__qualname__}" for c in classes)
        for name, classes in response_types().items()
        if len(classes) > 1
    }
    assert collisions == {}


def test_each_component_is_the_model_the_operations_use(schema):
    components = schema["components"]["schemas"]
    # The models of parameters are flattened into parameters; only the others are components.
    for name, models in response_types().items():
        if name not in components or len(models) != 1:
            continue  # a collision fails the test above
        (model,) = models
        component = components[name]
        if issubclass(model, enum.Enum):
            assert component["enum"] == [m.value for m in model], name
            continue
        fields = {f.alias or key for key, f in model.model_fields.items()}
        assert set(component.get("properties", {})) == fields, name
        required = {f.alias or key for key, f in model.model_fields.items() if f.is_required()}
        assert set(component.get("required", [])) == required, name


def test_the_workdays_due_answer_describes_its_steps(schema):
    due = schema["paths"]["/api/v1/workdays/due"]["get"]["responses"]["200"]
    ref = due["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    steps = schema["components"]["schemas"][ref]["properties"]["steps"]["items"]["$ref"]
    step = schema["components"]["schemas"][steps.rsplit("/", 1)[-1]]
    assert set(step["properties"]) == {"kind", "date", "text"}


def test_every_operation_documents_its_error_answers(schema):
    missing = {}
    for method, path, operation in operations(schema):
        expected = {"400", "422"}
        if "{code}" in path:  # looks a dossier, a procedure, an answer up by its code
            expected.add("404")
        if operation.get("security"):
            expected |= {"401", "403"}
        if (method, path) in RATE_LIMITED:
            expected.add("429")
        if (method, path) in CONFLICTS:
            expected.add("409")
        absent = expected - set(operation["responses"])
        if absent:
            missing[f"{method.upper()} {path}"] = sorted(absent)
    assert missing == {}


def test_every_error_answer_is_the_one_error_shape(schema):
    for method, path, operation in operations(schema):
        for status, response in operation["responses"].items():
            if int(status) < 400:
                continue
            ref = response["content"]["application/json"]["schema"]["$ref"]
            assert ref == "#/components/schemas/ErrorOut", (method, path, status)
    from tthc.core.api import ErrorOut

    error = schema["components"]["schemas"]["ErrorOut"]
    assert set(error["required"]) == {"detail", "code"}
    assert set(error["properties"]) == set(ErrorOut.model_fields)
