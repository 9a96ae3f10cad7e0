"""Reading Istio's injection corpus for the merge tests: pod templates out of its manifests, parsed fast."""

import yaml

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_all(text):
    """yaml.safe_load_all with libyaml when PyYAML has it (the same data, several times faster: the corpus
    is parsed while tests are collected)."""
    return yaml.load_all(text, Loader=_LOADER)


def pod_templates(doc):
    """Pod (template) objects inside one YAML document of the corpus."""
    if not isinstance(doc, dict):
        return []
    kind = doc.get("kind")
    if kind == "List":
        return [t for item in doc.get("items") or [] for t in pod_templates(item)]
    if kind == "Pod":
        return [doc]
    if kind == "CronJob":
        return [((doc.get("spec") or {}).get("jobTemplate") or {}).get("spec", {}).get("template") or {}]
    template = (doc.get("spec") or {}).get("template")
    return [template] if isinstance(template, dict) else []
