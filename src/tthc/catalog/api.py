from django.db.models import QuerySet
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from tthc.catalog import selectors
from tthc.catalog.models import Procedure
from tthc.catalog.schemas import (
    AgencyOut,
    FieldOut,
    LevelName,
    OnlineLevelName,
    ProcedureDetail,
    ProcedureSummary,
    StatusName,
)
from tthc.core.api import Id, Pagination, errors
from tthc.core.errors import NotFound
from tthc.org.models import Agency

router = Router(tags=["Danh mục thủ tục hành chính"])


class ProcedureFilters(Schema):
    q: str = ""
    level: LevelName | None = None
    field: Id | None = None
    agency: str = ""
    online_level: OnlineLevelName | None = None
    status: StatusName | None = None


__all__ = ["MappedQuerySet", "Pagination", "router"]


def _summary(procedure: Procedure) -> dict:
    return {
        "code": procedure.code,
        "name": procedure.name,
        "levels": procedure.levels,
        "field": procedure.field.name if procedure.field else None,
        "status": procedure.status,
        "online_level": procedure.online_level,
        "boundary_free": procedure.boundary_free,
        "version": procedure.current_version.number,
    }


@router.get(
    "procedures", response={200: list[ProcedureSummary], **errors()}, summary="Tra cứu thủ tục"
)
@paginate(Pagination)
def list_procedures(request, filters: Query[ProcedureFilters]):
    queryset = selectors.procedure_search(
        q=filters.q,
        level=filters.level or "",
        field=filters.field,
        agency=filters.agency,
        online_level=filters.online_level or "",
        status=filters.status or "",
    )
    return MappedQuerySet(queryset, _summary)


class MappedQuerySet:
    """A queryset seen through a function, sliced and counted lazily by the paginator.

    A page is read in two steps: the ids of the page (a narrow query, so a deep OFFSET skips
    index entries instead of joined rows), then those rows with their relations. Search
    results (`search.SearchResults`) do the same themselves, their ids cached.
    """

    def __init__(self, queryset, function):
        self.queryset = queryset
        self.function = function

    def __len__(self):
        return self.queryset.count()

    def count(self):
        return self.queryset.count()

    def __getitem__(self, item):
        if not isinstance(self.queryset, QuerySet):  # search results: cached rows
            return self.queryset.mapped(item, self.function, self.function.__qualname__)
        ids = list(self.queryset.values_list("pk", flat=True)[item])
        rows = self.queryset.order_by().in_bulk(ids)
        return [self.function(rows[pk]) for pk in ids]


@router.get(
    "procedures/{code}", response={200: ProcedureDetail, **errors(404)}, summary="Chi tiết thủ tục"
)
def get_procedure(request, code: str):
    procedure = selectors.procedure_detail(code)
    if procedure is None:
        raise NotFound(f"Không tìm thấy thủ tục có mã '{code[:60]}'.")
    return selectors.procedure_as_detail(procedure)


@router.get("fields", response={200: list[FieldOut], **errors()}, summary="Lĩnh vực")
def list_fields(request):
    return list(selectors.field_list())


@router.get("agencies", response={200: list[AgencyOut], **errors()}, summary="Cơ quan")
@paginate(Pagination)
def list_agencies(request, q: str = ""):
    return MappedQuerySet(selectors.agency_list(q=q), _agency)


def _agency(agency: Agency) -> dict:
    return {
        "code": agency.code,
        "name": agency.name,
        "kind": agency.kind,
        "unit": agency.unit.name,
        "parent": agency.parent.name if agency.parent else None,
        "address": agency.address,
        "phone": agency.phone,
        "email": agency.email,
    }
