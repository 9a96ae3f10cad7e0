"""The pure engine: Kubernetes objects (plain dicts) in, an explanation (data) out. No I/O here."""
from .state import ClusterState
from .errors import ConfigError, InputError, SimulatorError, SourcePos, TemplateRenderError
from .pipeline import Options, explain
from .trace import Explanation, RuleId, Stage, Verdict

__all__ = ["ClusterState", "ConfigError", "Explanation", "InputError", "Options", "RuleId", "SimulatorError",
           "SourcePos", "Stage", "TemplateRenderError", "Verdict", "explain"]
