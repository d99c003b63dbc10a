"""Option appraisal: many options of one base instance solved in parallel, compared in one
table and one report; and the cost-versus-outcome frontier of one instance.

load (appraisal file → validated options) → runner (an executor solves each option; each
result recorded atomically as it lands) → outputs (comparison table, HTML report)."""

from optimiser.appraisal.load import LoadedAppraisal, load_appraisal
from optimiser.appraisal.outputs import write_outputs
from optimiser.appraisal.runner import RunSummary, appraise, open_executor, run_appraisal

__all__ = ["LoadedAppraisal", "RunSummary", "appraise", "load_appraisal", "open_executor",
           "run_appraisal", "write_outputs"]
