"""Procedure search: one interface over SQLite FTS5 and PostgreSQL full text + trigrams.

Both sides are folded (`tthc.core.text.fold`): the stored `name_folded` / `body_folded` columns
and the query, so "dang ky khai sinh" and "ĐĂNG KÝ KHAI SINH" are the same search. Ordering is
explicit rather than left to one engine's scoring, so both databases agree:

- a query shaped like a code ("1.001193", "2.0009") is looked up by code: the exact one, then
  the codes that start with it;
- otherwise: 1. the folded query as a phrase inside the name; 2. every word of the query inside
  the name; 3. the rest (matched in the body: steps, documents, legal bases, agencies...);

then, among name matches, the shorter name (the closest to the query), and the engine's
relevance (bm25 / ts_rank, name weighted above body).
Each word is matched as a prefix, so "khai si" finds "khai sinh" while typing.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable

from django.core.cache import cache
from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    Count,
    F,
    FloatField,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
    Window,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Length
from django.utils import timezone

from tthc.catalog.models import Field, Procedure, ProcedureAgency
from tthc.core import revisions
from tthc.core.text import fold, fold_words
from tthc.org.models import Agency

MAX_WORDS = 12
_CODE_LIKE = re.compile(r"^\d\.\d{1,6}[\w.]*$")

FTS_TABLE = "catalog_procedure_fts"


def search_procedures(queryset: QuerySet, query: str) -> QuerySet:
    """Filter `queryset` (of Procedure) to matches of `query`, best first."""
    query = (query or "").strip()[:500]
    words = fold_words(query)[:MAX_WORDS]
    if not words:
        return queryset
    if _CODE_LIKE.match(query):
        # A code (or its beginning) is looked up as a code: the exact one first.
        exact_first = Case(When(code=query, then=Value(0)), default=Value(1))
        return (
            queryset.filter(code__startswith=query)
            .annotate(search_tier=exact_first)
            .order_by("search_tier", "code")
        )
    if connection.vendor == "postgresql":
        queryset, rank_order = _postgres(queryset, words)
    else:
        queryset, rank_order = _sqlite(queryset, words)
    phrase = fold(" ".join(words))
    all_words_in_name = Q()
    for word in words:
        all_words_in_name &= Q(name_folded__contains=word)
    tier = Case(
        When(name_folded__contains=phrase, then=Value(1)),
        When(all_words_in_name, then=Value(2)),
        default=Value(3),
        output_field=IntegerField(),
    )
    # Among names that contain the query, the shortest is the closest ("Thủ tục đăng ký khai
    # sinh" before "Thủ tục đăng ký khai sinh lưu động"); body-only matches go by relevance.
    name_closeness = Case(
        When(search_tier__lte=2, then=F("name_length")),
        default=Value(0),
        output_field=IntegerField(),
    )
    return (
        queryset.annotate(search_tier=tier, name_length=Length("name"))
        .annotate(name_closeness=name_closeness)
        .order_by("search_tier", "name_closeness", rank_order, "code")
    )


def _sqlite(queryset: QuerySet, words: list[str]):
    # Each word quoted (so FTS5 operators in user text are inert) and matched as a prefix.
    expression = " ".join('"{}"*'.format(w.replace('"', '""')) for w in words)
    # bm25() only works in the row context of its own MATCH query, so the FTS table is joined
    # rather than queried in a correlated subquery (which re-ran the whole full-text search for
    # every matched row: quadratic, see bench/README.md). Django has no join to a virtual table
    # other than `extra()`.
    queryset = queryset.extra(
        tables=[FTS_TABLE],
        where=[f"{FTS_TABLE}.rowid = catalog_procedure.id", f"{FTS_TABLE} MATCH %s"],
        params=[expression],
        select={"search_rank": f"bm25({FTS_TABLE}, 0.0, 10.0, 1.0)"},
    )
    return queryset, "search_rank"  # bm25: lower is better


_PG_VECTOR = "catalog_procedure.search_vector"


def _postgres(queryset: QuerySet, words: list[str]):
    # Folded words are made of \w characters only, so they cannot inject tsquery operators.
    tsquery = " & ".join(f"{w}:*" for w in words)
    # `search_vector` is a stored generated column (name weighted A, body B) with a GIN index,
    # created by migration 0002 on PostgreSQL only.
    matched = RawSQL(
        f"{_PG_VECTOR} @@ to_tsquery('simple', %s)", [tsquery], output_field=BooleanField()
    )
    rank = RawSQL(
        f"ts_rank({_PG_VECTOR}, to_tsquery('simple', %s))", [tsquery], output_field=FloatField()
    )
    # The match goes into WHERE as it is (not compared with TRUE) so the GIN index is used.
    queryset = queryset.filter(matched).annotate(search_rank=rank)
    return queryset, F("search_rank").desc()


def suggest_similar(queryset: QuerySet, query: str, limit: int = 5) -> QuerySet:
    """Names close to a query that matched nothing (typos): trigrams on PostgreSQL,
    any single word on SQLite."""
    words = fold_words(query)[:MAX_WORDS]
    if not words:
        return queryset.none()
    if connection.vendor == "postgresql":
        similarity = RawSQL("word_similarity(%s, catalog_procedure.name_folded)", [" ".join(words)])
        return (
            queryset.annotate(similarity=similarity)
            .filter(similarity__gt=0.3)
            .order_by("-similarity", "code")[:limit]
        )
    any_word = Q()
    for word in words:
        if len(word) >= 3:
            any_word |= Q(name_folded__contains=word)
    if not any_word:
        return queryset.none()
    return queryset.filter(any_word).order_by(Length("name"), "code")[:limit]


def index_procedure(procedure) -> None:
    """Keep the engine's index in step with the folded columns (SQLite keeps a separate FTS
    table; PostgreSQL indexes the columns themselves through a stored generated column)."""
    mark_changed()
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {FTS_TABLE} WHERE rowid = %s", [procedure.pk])
        cursor.execute(
            f"INSERT INTO {FTS_TABLE} (rowid, code, name, body) VALUES (%s, %s, %s, %s)",
            [procedure.pk, procedure.code, procedure.name_folded, procedure.body_folded],
        )


def unindex_procedure(procedure_id: int) -> None:
    mark_changed()
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {FTS_TABLE} WHERE rowid = %s", [procedure_id])


# --- Ranked results, cached per catalog revision ---------------------------------------------
#
# Ranking a common query means ranking all its matches (thousands at 20,000 procedures: "ho"
# is a prefix of "hồ sơ", in every procedure's steps), 20–60 ms of database work whatever the
# index; the framework alone answers in under a millisecond. The catalog changes a few times a
# day, so the first RESULT_DEPTH ids of each (query, filters) and the number of matches are
# cached under the catalog revision and the day: a search that was made before costs one
# one-row read of the revision and one query for its page. See docs/decisions/0003-search.md.

RESULT_DEPTH = 100  # pages 1–5 at 20 a page; deeper pages are ranked again on each request
CACHE_SECONDS = 24 * 3600  # an upper bound: a new revision or a new day replaces every entry
REVISION = "catalog"  # tthc.core.revisions: raised after each committed change of the catalog


def catalog_revision() -> int:
    """The number `mark_changed` raises after each committed change (0 before the first)."""
    return revisions.current(REVISION)


def _changes_pending() -> bool:
    """This transaction changed the catalog and has not committed: what it sees is not what
    the revision says, so its searches neither read nor fill the cache."""
    return revisions.pending(REVISION)


def mark_changed() -> None:
    """Say that what searches return may have changed: the revision is raised once, after the
    current transaction commits (never inside it, so a long import holds no lock that other
    writers would wait for, and a rolled-back change raises nothing)."""
    revisions.mark_changed(REVISION)


def connect_signals() -> None:
    """Saves and deletes outside the services (admin, shell, other apps) raise the revision
    too; the services also call `mark_changed` for their bulk writes, which send no signal."""
    revisions.watch(REVISION, Procedure, ProcedureAgency, Field, Agency)


def search_key(query: str) -> tuple | None:
    """What a search depends on in `query` (None: not a search): the code prefix for a code,
    else the folded words. "ĐĂNG KÝ" and "dang ky" share a key."""
    query = (query or "").strip()[:500]
    words = fold_words(query)[:MAX_WORDS]
    if not words:
        return None
    if _CODE_LIKE.match(query):
        return ("code", query)
    return ("words", *words)


class SearchResults:
    """The matches of a query, best first, seen as a sequence of Procedures for Django's
    Paginator and the API's paginator (`count()`, `len()`, slices).

    `rank()` returns the filtered queryset to rank (it runs only on a cache miss: building it
    may apply due versions); `fetch()` the queryset the page's rows are read from. The count
    comes from the same query as the ids (a window count), so a fresh search is ranked once.
    """

    def __init__(self, query: str, *, filters: tuple, rank: Callable[[], QuerySet], fetch):
        self.query = query
        self.key = search_key(query)
        self.filters = filters
        self._rank = rank
        self._fetch = fetch
        self._entry: tuple[int, list[int]] | None = None
        self._stamp: str | None = None

    def _cache_key(self, *extra) -> str:
        if self._stamp is None:
            self._stamp = (
                f"{catalog_revision()}:{timezone.localdate().isoformat()}:{connection.vendor}"
            )
        digest = hashlib.sha256(repr((self.key, self.filters, *extra)).encode()).hexdigest()
        return f"tthc:search:{self._stamp}:{digest[:32]}"

    def _ranked(self, start: int, stop: int) -> list[int]:
        queryset = search_procedures(self._rank(), self.query)
        return list(queryset.values_list("pk", flat=True)[start:stop])

    def _ranked_and_count(self) -> tuple[int, list[int]]:
        queryset = search_procedures(self._rank(), self.query)
        if connection.vendor == "sqlite":
            # bm25() is refused inside a window query ("unable to use function bm25 in the
            # requested context"): the count is a second query, on a miss only.
            ids = list(queryset.values_list("pk", flat=True)[:RESULT_DEPTH])
            return queryset.count(), ids
        rows = list(
            queryset.annotate(matches=Window(Count("*"))).values_list("pk", "matches")[
                :RESULT_DEPTH
            ]
        )
        return (rows[0][1] if rows else 0), [pk for pk, _ in rows]

    def _first(self) -> tuple[int, list[int]]:
        if self._entry is None and _changes_pending():
            self._entry = self._ranked_and_count()
        if self._entry is None:
            key = self._cache_key()
            entry = cache.get(key)
            if entry is None:
                entry = self._ranked_and_count()
                cache.set(key, entry, CACHE_SECONDS)
            self._entry = entry
        return self._entry

    def count(self) -> int:
        return self._first()[0]

    def __len__(self) -> int:
        return self.count()

    def ids(self, start: int, stop: int) -> list[int]:
        if stop <= RESULT_DEPTH:
            return self._first()[1][start:stop]
        return self._ranked(start, stop)

    def _bounds(self, item) -> tuple[int, int]:
        if not isinstance(item, slice) or item.step not in (None, 1):
            raise TypeError("SearchResults are read by slices")
        start = item.start or 0
        return start, item.stop if item.stop is not None else self.count()

    def __getitem__(self, item):
        ids = self.ids(*self._bounds(item))
        rows = self._fetch().in_bulk(ids)
        return [rows[pk] for pk in ids if pk in rows]

    def mapped(self, item, function: Callable, name: str) -> list:
        """`[function(p) for p in self[item]]`, cached like the ids when the slice is within
        RESULT_DEPTH (`name` says which function; its results must be picklable). Reading the
        rows through the ORM costs more than the rest of a cached search: the API caches the
        rows it answers with."""
        start, stop = self._bounds(item)
        if stop > RESULT_DEPTH or _changes_pending():
            return [function(p) for p in self[item]]
        key = self._cache_key(name, start, stop)
        rows = cache.get(key)
        if rows is None:
            rows = [function(p) for p in self[item]]
            cache.set(key, rows, CACHE_SECONDS)
        return rows


SQLITE_CREATE = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} "
    "USING fts5(code, name, body, tokenize='unicode61 remove_diacritics 2', prefix='2 3 4')"
)
SQLITE_DROP = f"DROP TABLE IF EXISTS {FTS_TABLE}"
POSTGRES_CREATE = (
    "ALTER TABLE catalog_procedure ADD COLUMN IF NOT EXISTS search_vector tsvector "
    "GENERATED ALWAYS AS (setweight(to_tsvector('simple', name_folded), 'A') || "
    "setweight(to_tsvector('simple', body_folded), 'B')) STORED;"
    "CREATE INDEX IF NOT EXISTS catalog_procedure_fulltext ON catalog_procedure "
    "USING gin (search_vector);"
    "CREATE INDEX IF NOT EXISTS catalog_procedure_name_trgm ON catalog_procedure "
    "USING gin (name_folded gin_trgm_ops);"
)
POSTGRES_DROP = (
    "DROP INDEX IF EXISTS catalog_procedure_fulltext; "
    "DROP INDEX IF EXISTS catalog_procedure_name_trgm; "
    "ALTER TABLE catalog_procedure DROP COLUMN IF EXISTS search_vector;"
)
