"""The pod as the first mutating webhook receives it: decoded, API-defaulted, then changed by the built-in plugins.

kube-apiserver never hands webhooks the pod as written.  It decodes the body into corev1.Pod (unknown fields
vanish, quantities are re-spelled), applies the v1 defaults (simulator/kube/defaults.py), wipes the metadata system
fields, and runs every default-on mutating admission plugin that precedes MutatingAdmissionWebhook, in the
fixed order of kube-apiserver 1.37: LimitRanger, ServiceAccount, Priority, DefaultTolerationSeconds,
RuntimeClass.  objectSelectors, matchConditions and the injector itself all judge that object, so a
simulator that skips these steps answers a different question (`has(object.spec.serviceAccountName)` is
false on the raw pod, true on the real one).

Two things cannot be predicted and are left out or stood in for:
- the ServiceAccount plugin names its token volume `kube-api-access-<5 random characters>`; the simulator
  uses TOKEN_VOLUME_PLACEHOLDER, `kube-api-access-sim00`, which a real cluster can never produce (its
  random alphabet has no `i` and no `0`), so tests of the prefix behave as in a cluster and the name is
  recognisable in output;
- metadata.managedFields, which the apiserver fills in before admission from the request's field manager
  and the clock, is dropped.

A plugin that refuses the pod (an unknown ServiceAccount, PriorityClass or RuntimeClass, a priority that
contradicts its class, ...) ends the chain: its record carries `rejected` and no webhook is called.

`cluster_objects` maps a kind (ServiceAccount, LimitRange, PriorityClass, RuntimeClass) to the objects of
that kind the user's cluster state holds.  A kind that is absent is assumed to look like a fresh cluster (a
`default` ServiceAccount with automount on, no LimitRange, no globalDefault PriorityClass, only the two
system PriorityClasses); a kind that is present is taken as the complete list, as the apiserver would see it,
except that a state with no ServiceAccount at all in the pod's namespace is taken not to cover that
namespace (every real namespace has `default`).  Assumptions are reported in the step's `notes`.

The handler's own steps and the order are chain.py (`prepare_for_webhooks`); each plugin is a module named
as its directory under kube-apiserver's plugin/pkg/admission/: limitranger, serviceaccount, priority,
defaulttolerationseconds, runtimeclass.  context.py holds what every plugin is handed and how it refuses.
"""
