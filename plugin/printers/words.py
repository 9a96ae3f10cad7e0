"""Plain-language phrases for rule ids and checks — the only place sentences are made.

The JSON printer's `decidedBy.detail` and the text printer both come from here, so the wording a
learner sees is the same everywhere and can change without touching the engine.
"""
from __future__ import annotations

from simulator.trace import HintKind, RuleId, WarningCode

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Mapping

    from simulator.trace import Explanation, Hint, WarningNote

from simulator import INJECT_KEY  # the label and annotation Istio's policy reads


def requirement(expected: Mapping[str, Any], observed: Mapping[str, Any], whose: str) -> str:
    """Why one selector requirement did or did not hold, e.g. `namespace has no label istio-injection`."""
    key = expected.get("key")
    op = expected.get("operator")
    values = expected.get("values") or []
    value = (observed or {}).get(key)
    present = value is not None
    vals = ", ".join(values)
    need = {"In": f"{key} in ({vals})", "NotIn": f"{key} notin ({vals})",
            "Exists": f"{key} exists", "DoesNotExist": f"!{key}"}.get(op, f"{key} {op} {vals}")
    if present:
        seen = f'{whose} has {key}="{value}"'
    else:
        seen = f"{whose} has no label {key}"
    return f"needs {need}; {seen}"


_FIXED = {
    RuleId.HOST_NETWORK: "the pod uses hostNetwork: Istio never injects such pods",
    RuleId.POLICY_ENABLED: "the injector policy is \"enabled\" and nothing on the pod opted out",
    RuleId.POLICY_DISABLED: "the injector policy is \"disabled\" and nothing on the pod opted in",
}


def one_line(text: str) -> str:
    """`text` with its line breaks, and the indentation around them, folded into single spaces: a Go
    multierror ("1 error occurred:\n\t* ...\n\n") becomes "1 error occurred: * ...", so that every problem
    is one line on stderr and in a summary (-o json's records keep the messages as the programs wrote them)."""
    if "\n" not in text and "\r" not in text:
        return text
    return " ".join(part.strip() for part in text.splitlines() if part.strip())


def decided(expl: Explanation) -> str:
    """One sentence naming the deciding rule, for RESULT lines and `decidedBy.detail`: one line, whatever
    the messages it quotes."""
    return one_line(_decided(expl))


def _decided(expl: Explanation) -> str:
    rule = expl.decided_by.rule
    detail = expl.decided_by.detail
    policy = expl.deciding_call()
    step = policy.step(rule) if policy is not None else None
    inputs = step.inputs if step is not None else {}
    ns = expl.object.namespace
    if rule is RuleId.NO_MATCHING_WEBHOOK:
        other = detail.get("calledOther") or []
        tail = f" (other webhooks were called: {', '.join(other)}; their effect is unknown offline)" if other else ""
        return f"no Istio injector webhook matched this pod in namespace \"{ns}\", so Istio was never asked{tail}"
    if rule in _FIXED:
        return _FIXED[rule]
    if rule in (RuleId.NEVER_INJECT_SELECTOR, RuleId.ALWAYS_INJECT_SELECTOR):
        name = "neverInjectSelector" if rule is RuleId.NEVER_INJECT_SELECTOR else "alwaysInjectSelector"
        return f"the pod's labels match {name}[{inputs.get('matched')}] of the injector configuration"
    if rule is RuleId.WEBHOOK_REJECTED:
        return f"the API server rejected the pod while selecting webhooks: {detail.get('message')}"
    if rule is RuleId.ADMISSION_PLUGIN_REJECTED:
        return f"the {detail.get('plugin')} admission plugin refused the pod before any webhook: {detail.get('message')}"
    if rule is RuleId.TEMPLATE_ERROR:
        return f"the injector could not render its templates, so the API server rejects the pod: {detail.get('message')}"
    if rule is RuleId.IGNORED_NAMESPACE:
        return f"namespace \"{ns}\" is one Istio always ignores"
    if rule is RuleId.INJECT_LABEL:
        value = inputs.get("label")
        extra = " (the label wins over the annotation)" if inputs.get("annotation") is not None else ""
        return f"the pod label {INJECT_KEY}=\"{value}\" {_asks(policy, value)} injection{extra}"
    if rule is RuleId.INJECT_ANNOTATION:
        value = inputs.get("annotation")
        return f"the pod annotation {INJECT_KEY}: \"{value}\" {_asks(policy, value)} injection"
    if rule is RuleId.OPT_OUT_LABEL:
        return (f"the pod label {INJECT_KEY}=\"false\" opts out: the objectSelector of {', '.join(detail.get('webhooks') or [])} "
                f"excludes pods with it, so no injector webhook is called and Istio is never asked")
    if rule is RuleId.INJECTOR_UNKNOWN:
        return (f"the API server calls {expl.decided_by.webhook}, but the injector's configuration could not be read "
                f"({detail.get('problem')}): its policy and templates decide, so whether a sidecar is added is unknown")
    if rule is RuleId.POLICY_INVALID:
        return f"the injector policy \"{policy.policy if policy else ''}\" is neither enabled nor disabled, so Istio injects nothing"
    raise ValueError(f"no words for deciding rule {rule!r}")   # a selection predicate never decides a verdict


def _asks(policy, value) -> str:
    """The label or annotation decided, so the call's verdict is its answer (Istio lines before 1.25 also
    take yes/on/y for "true" and any other word for "false")."""
    inject = policy.inject if policy is not None else value == "true"
    return "asks for" if inject else "opts out of"


def warning(w: WarningNote) -> str:
    code, d = w.code, w.detail
    if code is WarningCode.INJECT_ON_WORKLOAD_METADATA:
        return (f"{d.get('key')} is set as {_article(d.get('source'))} on the {d.get('kind')} itself; it has no effect there. "
                f"Put it on the pod template (spec.template.metadata) instead.")
    if code is WarningCode.INVALID_INJECT_VALUE:
        return (f"{d.get('key')} {d.get('source')} has the value \"{d.get('value')}\"; only \"true\" and \"false\" count "
                f"(case-sensitive), so Istio ignores it and falls back to its defaults.")
    if code is WarningCode.NAMESPACE_BOTH_LABELS:
        return (f"namespace \"{d.get('namespace')}\" has both istio-injection={d.get('istio-injection')} and "
                f"istio.io/rev={d.get('istio.io/rev')}; istio-injection takes precedence and the revision label is ignored.")
    if code is WarningCode.DOUBLE_INJECTION:
        return f"more than one injector webhook injected this pod ({', '.join(d.get('webhooks') or [])}): it is mutated twice."
    if code is WarningCode.WEBHOOK_EFFECT_UNKNOWN:
        return f"webhook {d.get('webhook')} ({d.get('configuration')}) is called, but it is not an Istio injector: its effect is unknown offline."
    if code is WarningCode.INJECTOR_CONFIG_UNAVAILABLE:
        return f"webhook {d.get('webhook')} is called, but its injector configuration is unusable: {d.get('problem')}; its effect is unknown offline."
    if code is WarningCode.INVALID_SELECTOR:
        return f"{d.get('rule')}[{d.get('index')}] is not a valid label selector ({d.get('error')}); Istio skips it."
    if code is WarningCode.INVALID_POLICY:
        return f"the injector policy \"{d.get('policy')}\" is not \"enabled\" or \"disabled\"; Istio treats it as off."
    if code is WarningCode.KUBE_INJECT_FAILED:
        return (f"istioctl kube-inject would refuse this object ({d.get('error')}), though the webhook injects it; "
                f"-o pod shows the pod as the webhook stores it instead.")
    if code is WarningCode.GENERIC_WORKLOAD:
        return (f"{d.get('kind')} ({d.get('apiVersion')}) is not a kind kubectl-inject knows; its {d.get('template')} "
                f"is a pod template, so it is explained as a workload whose controller creates pods from it.")
    if code in _PITFALLS:
        return _PITFALLS[code](d)
    raise ValueError(f"no words for warning code {code!r}")


def _article(noun) -> str:
    return f"{'an' if str(noun)[:1] in 'aeiou' else 'a'} {noun}"


def installed(d: Mapping[str, Any]) -> str:
    """The installed injectors of a warning's detail: `revisions default, canary; tag prod → canary`."""
    revisions = d.get("revisions") or []
    tags = d.get("tags") or {}
    parts = []
    if revisions:
        parts.append(("revision " if len(revisions) == 1 else "revisions ") + ", ".join(revisions))
    if tags:
        parts.append(("tag " if len(tags) == 1 else "tags ") + ", ".join(f"{t} → {r}" for t, r in tags.items()))
    return "; ".join(parts) or "none"


def _revision_not_installed(d) -> str:
    head = (f"namespace \"{d.get('namespace')}\" has istio.io/rev={d.get('value')}, but no installed injector serves that "
            f"revision (installed: {installed(d.get('installed') or {})}). ")
    if d.get("injectionLabel") is not None:
        return head + (f"Its istio-injection={d.get('injectionLabel')} label is what the webhooks select on here (it takes "
                       f"precedence), so the revision label only misleads: remove it (kubectl label namespace "
                       f"{d.get('namespace')} istio.io/rev-).")
    return head + (f"Label the namespace with an installed revision or tag, or install revision {d.get('value')}; adding "
                   f"istio-injection=enabled next to it is no fix: that label takes precedence and the revision label "
                   f"would only mislead.")


def _injection_label_unserved(d) -> str:
    use = d.get("use") or []
    return (f"namespace \"{d.get('namespace')}\" has istio-injection=enabled, but only the default revision (or a revision "
            f"tag named \"default\") serves that label, and none is installed (installed: {installed(d.get('installed') or {})}). "
            f"Use istio.io/rev={' or istio.io/rev='.join(use) if use else '<revision>'} instead and remove istio-injection: "
            f"the istio.io/rev webhooks select only namespaces without it.")


def _pod_revision_ignored(d) -> str:
    revision = d.get("revision")
    handled = f", so revision {revision} handles this pod" if revision else ""
    return (f"the pod asks for revision {d.get('value')} with its label istio.io/rev, but the namespace label "
            f"{d.get('namespaceLabel')} takes precedence{handled}: Istio's webhooks read the pod's istio.io/rev only in "
            f"namespaces with neither istio-injection nor istio.io/rev (installed: {installed(d.get('installed') or {})}). "
            + (f"To use {d.get('value')}, label the namespace istio.io/rev={d.get('value')} instead"
               + (" and remove istio-injection." if str(d.get("namespaceLabel")).startswith("istio-injection=") else ".")
               if d.get("valueInstalled") else f"Revision {d.get('value')} is not installed either."))


def _inject_annotation_not_selected(d) -> str:
    return (f"the pod opts in with the annotation {d.get('key')}: \"true\", but webhook selection sees only labels: Istio's "
            f"webhooks pick pods by the label {d.get('key')}=true in their objectSelector, and the annotation is read only "
            f"once a webhook is called. Make it a label on the pod (template), or label the namespace.")


def _ambient_namespace(d) -> str:
    ns = d.get("namespace")
    if d.get("sidecar"):
        return (f"namespace \"{ns}\" is in ambient mode (istio.io/dataplane-mode=ambient), yet an injector webhook selects "
                f"this pod and adds a sidecar (the injector does not read that label); the sidecar then takes precedence "
                f"over ztunnel for this pod. Keep one data plane: remove the sidecar-injection label for ambient, or the "
                f"ambient label for sidecars.")
    return (f"namespace \"{ns}\" is in ambient mode (istio.io/dataplane-mode=ambient): its pods join the mesh through the "
            f"node's ztunnel, without a sidecar, so none is expected and no change is suggested. The injector does not read "
            f"that label: if istio-injection, istio.io/rev or the pod label also selected the pod, it would get a sidecar, "
            f"and the sidecar would take precedence over ztunnel.")


def _job_sidecar(d) -> str:
    return (f"this {d.get('kind')}'s pods get {d.get('container')} as a regular container: it keeps running after the job's "
            f"containers exit, so the pod, and the job, may never complete. Native sidecars avoid it ({d.get('container')} "
            f"as an init container with restartPolicy: Always, which the kubelet stops when the job's containers are done; "
            f"Kubernetes 1.29 and later): istiod's ENABLE_NATIVE_SIDECARS=true, or the pod annotation "
            f"sidecar.istio.io/nativeSidecar: \"true\". Otherwise the job must stop the proxy itself "
            f"(POST http://localhost:15020/quitquitquit).")


def _already_injected(d) -> str:
    previous = d.get("previousRevision") or "unknown"
    had = ", ".join(d.get("injected") or []) or "no containers listed"
    image = d.get("previousImage")
    before = (f"the pod was injected before (sidecar.istio.io/status: revision {previous}, {had}"
              + (f"; istio-proxy image {image}" if image else "") + ")")
    if not d.get("reinjected"):
        return (f"{before}; it is not injected again here, so it keeps the sidecar written in it, not what the installed "
                f"injector would give now.")
    new = d.get("image")
    return (f"{before}. Revision {d.get('revision')} injects it again: the containers the status lists are rendered anew "
            f"and merged by name over the old ones" +
            ((" (the same istio-proxy image)" if new == image else f" (istio-proxy image {image} → {new})") if new else "") +
            "; env entries of the old istio-proxy the new template does not produce stay, and the status annotation is "
            "rewritten. Create the pod from its original spec (without the injected containers and "
            "sidecar.istio.io/status) to get exactly what this injector makes.")


_PITFALLS = {
    WarningCode.REVISION_NOT_INSTALLED: _revision_not_installed,
    WarningCode.INJECTION_LABEL_UNSERVED: _injection_label_unserved,
    WarningCode.POD_REVISION_IGNORED: _pod_revision_ignored,
    WarningCode.INJECT_ANNOTATION_NOT_SELECTED: _inject_annotation_not_selected,
    WarningCode.AMBIENT_NAMESPACE: _ambient_namespace,
    WarningCode.JOB_SIDECAR_BLOCKS_COMPLETION: _job_sidecar,
    WarningCode.ALREADY_INJECTED: _already_injected,
}


def hint(h: Hint, kind: str, namespace_labels: Mapping[str, str] = None) -> str:
    """`kind`: the kind of the object explained (a Pod, or a workload with a pod template);
    `namespace_labels`: the namespace's labels now (a label that has another value needs --overwrite)."""
    by = f"  (then {h.webhook} injects it)"
    if h.kind is HintKind.NAMESPACE_LABEL:
        current = (namespace_labels or {}).get(h.key)
        removed = "".join(f" {k}-" for k in h.remove)
        overwrite = " --overwrite" if current is not None and current != h.value else ""
        return f"label the namespace: kubectl label namespace {h.namespace}{removed} {h.key}={h.value}{overwrite}{by}"
    where = "pod template" if kind != "Pod" else "pod"
    if h.kind is HintKind.POD_LABEL:
        return f"label the {where}: {h.key}: \"{h.value}\"{by}"
    if h.kind is HintKind.REMOVE_POD_LABEL:
        return f"remove the label {h.key} from the {where}{by}"
    if h.kind is HintKind.REMOVE_POD_ANNOTATION:
        return f"remove the annotation {h.key} from the {where}{by}"
    raise ValueError(f"no words for hint kind {h.kind!r}")
