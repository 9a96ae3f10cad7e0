"""The pure engine: Kubernetes objects (plain dicts) in, an explanation (data) out. No I/O here.

    state = ClusterState.from_objects(objects)       # frozen; changes make new states
    cache = EngineCache()                            # the caller's, shared by every explain() of a run
    explanation = explain(pod, "default", state, Options(), cache)
"""
from .cache import EngineCache
from .state import ClusterState
from .errors import ConfigError, InputError, SimulatorError, SourcePos, TemplateRenderError
from .istio.revision import injector_for, is_istio_injector
from .pipeline import Options, explain
from .istio.policy import INJECT_KEY
from .trace import Explanation, RuleId, Stage, Verdict


def after_webhooks(pod):
    """The pod as kube-apiserver stores it after the webhooks' answer (decoded and defaulted again); imported
    when called, so that a run which never compares with a stored pod does not load the admission chain."""
    from .kube.admission.chain import after_webhooks as stored

    return stored(pod)


__all__ = ["ClusterState", "ConfigError", "EngineCache", "Explanation", "INJECT_KEY", "InputError", "Options",
           "RuleId", "SimulatorError", "SourcePos", "Stage", "TemplateRenderError", "Verdict", "after_webhooks",
           "explain", "injector_for", "is_istio_injector"]
