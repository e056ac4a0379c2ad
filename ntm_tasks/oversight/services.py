"""The oversight package's services, for other packages and jobs (they live in criteria.py, dossiers.py,
reports.py and calendar.py; services flush, the caller commits)."""
from ntm_tasks.oversight.calendar import calendar_url, reset_calendar_token
from ntm_tasks.oversight.criteria import (create_criteria_set, load_national_sets, record_assessment, summaries,
                                          summary)
from ntm_tasks.oversight.dossiers import create_dossier, dossiers_due_soon, supply_item
from ntm_tasks.oversight.dossiers import transition as transition_dossier
from ntm_tasks.oversight.reports import monthly_csv, monthly_workbook, overdue_report

__all__ = [
    "calendar_url", "create_criteria_set", "create_dossier", "dossiers_due_soon", "load_national_sets",
    "monthly_csv", "monthly_workbook", "overdue_report", "record_assessment", "reset_calendar_token", "summaries",
    "summary", "supply_item", "transition_dossier",
]
