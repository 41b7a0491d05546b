"""A finding: one problem at one place in one file, and how findings are printed."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True, order=True)
class Finding:
    path: str
    line: int
    column: int
    rule: str
    severity: str
    message: str
    suggestion: str | None = None

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    def as_text(self) -> str:
        """Ruff/flake8 form: what editors and CI annotators already parse."""
        return f"{self.path}:{self.line}:{self.column}: {self.severity} {self.rule}: {self.message}"

    def as_log(self, path: str | None = None) -> str:
        """The form the build log uses (no severity: the log level carries it)."""
        return f"{path or self.path}:{self.line}:{self.column}: {self.rule}: {self.message}"

    def as_dict(self) -> dict:
        data = asdict(self)
        if data["suggestion"] is None:
            del data["suggestion"]
        return data


def to_json(findings: Iterable[Finding], suppressed: Iterable[Finding] = ()) -> str:
    """The findings, then those suppressed in the source (marked ``"suppressed": true``)."""
    records = [f.as_dict() for f in findings] + [dict(f.as_dict(), suppressed=True) for f in suppressed]
    return json.dumps(records, ensure_ascii=False, indent=2)
