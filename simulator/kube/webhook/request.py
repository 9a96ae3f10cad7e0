"""The admission request as webhook predicates see it (the `admission.Attributes` they read)."""
from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Dict, Optional

from ...records import Record


class AdmissionRequest(Record):
    _fields = ("operation", "group", "version", "resource", "subresource", "kind", "namespace", "name", "object",
               "old_object", "user_info", "dry_run")

    def __init__(self, operation: str = "CREATE", group: str = "", version: str = "v1", resource: str = "pods",
                 subresource: str = "", kind: str = "Pod", namespace: str = "", name: str = "",
                 object: Optional[Dict[str, Any]] = None, old_object: Optional[Dict[str, Any]] = None,
                 user_info: Optional[Dict[str, Any]] = None, dry_run: bool = False):
        self.operation = operation
        self.group = group
        self.version = version
        self.resource = resource
        self.subresource = subresource
        self.kind = kind
        self.namespace = namespace
        self.name = name
        self.object = object
        self.old_object = old_object
        self.user_info = user_info if user_info is not None else {
            "username": "kubernetes-admin", "groups": ["system:masters", "system:authenticated"]}
        self.dry_run = dry_run

    def cel_request(self) -> Dict[str, Any]:
        """The `request` variable of matchConditions (no uid, no object inside it)."""
        request = {
            "kind": {"group": self.group, "version": self.version, "kind": self.kind},
            "resource": {"group": self.group, "version": self.version, "resource": self.resource},
            "subResource": self.subresource,
            "requestKind": {"group": self.group, "version": self.version, "kind": self.kind},
            "requestResource": {"group": self.group, "version": self.version, "resource": self.resource},
            "requestSubResource": self.subresource,
            "name": self.name,
            "namespace": self.namespace,
            "operation": self.operation,
            "userInfo": self.user_info,
            "dryRun": self.dry_run,
            "options": {"apiVersion": "meta.k8s.io/v1", "kind": "CreateOptions"} if self.operation == "CREATE" else None,
        }
        # Empty strings are absent in CEL (the request is a proto-backed object; `has()` is false and
        # reading them is "no such key"), as the real apiserver showed for subResource and for a
        # generateName create's name.
        for key in ("name", "namespace", "subResource", "requestSubResource"):
            if request[key] == "":
                del request[key]
        return request
