"""Load the rule data: publication rules, working-day calendar, repair and revocation decisions.

Stage: rules (input half). Guarantees: returns either a complete ``RuleData`` or ``None`` with CONFIG problems
naming file and key; a catalog without a ``rules/`` folder gets the packaged defaults
(``generator/rules/defaults``) and an INFO problem saying so; a ``rules/`` folder without ``calendar.yaml``
gets the packaged calendar. Bad decision rows are kept apart (``RuleData.invalid``) for the rules stage, which
reports them and withholds the records they name (fail-safe).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from generator import paths
from generator.config import load_model
from generator.problems import Problem, has_config_errors, problem
from generator.rules.consistency import check_calendar, check_publication
from generator.rules.decisions import read_decisions
from generator.rules.models import CalendarRules, PublicationRules

DEFAULTS_DIR = Path(__file__).resolve().parent / "defaults"
DEFAULT_SHOWN = "（内置默认）"


@dataclass(frozen=True)
class RuleData:
    """Everything the rules need besides the records and the as-of date."""

    publication: PublicationRules
    calendar: CalendarRules
    repairs: pd.DataFrame  # decisions.read_decisions rows: dataset, record_id, decision_no, decided_on, …
    revocations: pd.DataFrame
    # kind (repairs | revocations) → the invalid rows of its file, one per defect (decisions.DEFECT columns)
    invalid: dict[str, pd.DataFrame] = field(default_factory=dict)


def load_rules(catalog_root: Path) -> tuple[RuleData | None, list[Problem]]:
    """Read ``rules/publication.yaml``, ``rules/calendar.yaml`` and ``decisions/*.csv`` of a catalog."""
    problems: list[Problem] = []
    if not (catalog_root / paths.RULES_DIR).is_dir():
        text = f"目录中没有 {paths.RULES_DIR}/ 文件夹，使用内置默认公示规则"
        problems.append(problem("rules-default-rules", text, file=paths.RULES_DIR))
    publication, found = _publication(catalog_root)
    calendar, more = _calendar(catalog_root)
    problems += found + more
    repairs, bad_repairs, found = read_decisions(catalog_root, paths.REPAIRS_FILE, "repairs")
    revocations, bad_revocations, more = read_decisions(catalog_root, paths.REVOCATIONS_FILE, "revocations")
    problems += found + more
    if publication is None or calendar is None or has_config_errors(problems):
        return None, problems
    invalid = {"repairs": bad_repairs, "revocations": bad_revocations}
    return RuleData(publication, calendar, repairs, revocations, invalid), problems


def _source(catalog_root: Path, relative: str) -> tuple[Path, str]:
    """The catalog's own file when its rules/ folder has it, else the packaged default."""
    own = catalog_root / relative
    if own.is_file() or (relative == paths.PUBLICATION_RULES_FILE and own.parent.is_dir()):
        return own, relative
    return DEFAULTS_DIR / Path(relative).name, DEFAULT_SHOWN + relative


def _publication(catalog_root: Path) -> tuple[PublicationRules | None, list[Problem]]:
    path, shown = _source(catalog_root, paths.PUBLICATION_RULES_FILE)
    rules, problems = load_model(PublicationRules, path, shown)
    if rules is None:
        return None, problems
    problems = check_publication(rules, shown)
    return (None if problems else rules), problems


def _calendar(catalog_root: Path) -> tuple[CalendarRules | None, list[Problem]]:
    path, shown = _source(catalog_root, paths.CALENDAR_FILE)
    calendar, problems = load_model(CalendarRules, path, shown)
    if calendar is None:
        return None, problems
    problems = check_calendar(calendar, shown)
    return (None if problems else calendar), problems
