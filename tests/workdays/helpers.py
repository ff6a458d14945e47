"""A deadline source backed by plain Python objects, as another app would register one.

The registry must not assume Django models, so the tests use in-memory records: the source's
own functions read and store them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from tthc.workdays import registry
from tthc.workdays.engine import Deadline, compute_deadline
from tthc.workdays.selectors import calendar_for


@dataclass
class Record:
    key: str
    received_at: datetime
    amount: int
    unit: str = "working_days"
    agency_id: int | None = None
    is_open: bool = True
    due_at: datetime | None = None
    explanation: list[str] = field(default_factory=list)


class MemorySource:
    def __init__(self, label: str = "tests.memory") -> None:
        self.records: list[Record] = []
        self.source = registry.DeadlineSource(
            label=label,
            verbose_name="Hồ sơ thử nghiệm",
            open_records=lambda: [record for record in self.records if record.is_open],
            agency_of=lambda record: record.agency_id,
            current_due=lambda record: record.due_at,
            compute_due=self.compute,
            store_due=self.store,
            describe=lambda record: f"Hồ sơ {record.key}",
            key=lambda record: record.key,
        )

    @staticmethod
    def compute(record: Record, calendar) -> Deadline:
        return compute_deadline(record.received_at, record.amount, record.unit, calendar)

    @staticmethod
    def store(record: Record, deadline: Deadline) -> None:
        record.due_at = deadline.due_at
        record.explanation = deadline.explanation

    def add(self, key: str, received_at: datetime, amount: int, **kwargs) -> Record:
        """A record received now-ish, its deadline computed with the current calendar."""
        record = Record(key, received_at, amount, **kwargs)
        self.store(record, self.compute(record, calendar_for(record.agency_id)))
        self.records.append(record)
        return record

    def __enter__(self) -> MemorySource:
        registry.register(self.source)
        return self

    def __exit__(self, *exc) -> None:
        registry.unregister(self.source.label)
