"""The "typed round trip": what Go's json.Unmarshal into corev1.Pod followed by json.Marshal does to a pod.

Istio decodes the merged pod into corev1.Pod after every template merge and encodes it again for the next
step and for the final patch, so the injected pod carries Go's normalisation, which this package reproduces
from the generated type table (simulator/kube/pod_schema.py):

- unknown fields vanish; JSON field names match case-insensitively the way encoding/json matches them;
- null leaves the Go zero value (a nil pointer/slice/map, "" for a string, 0 for a number ...);
- omitempty fields that are empty vanish, other zero fields appear as Go writes them (`resources: {}`,
  `containers: null`, `status: {}`, a zero metav1.Time as null, `creationTimestamp` left out by omitzero);
- resource.Quantity is re-spelled exactly as Go does ("2000m" -> "2", "1024Mi" -> "1Gi", "0.5" -> "500m",
  and strings already in canonical form kept verbatim), metav1.Time becomes UTC RFC 3339 in seconds,
  IntOrString stays an int or a string, FieldsV1 is kept as raw JSON;
- map keys come out sorted and struct fields in Go declaration order, so the dict serialises like Go;
- a wrong JSON type raises TypedError with encoding/json's message (first type error wins, a custom
  unmarshaler's error such as a bad quantity aborts at once, as in Go).

Numbers: an int is the JSON literal of its digits; a float is written the way encoding/json writes a float64
(integral floats below 1e21 without a fraction), because in Istio the values reaching this step were
encoded from map[string]interface{}.

The parts: jsontext.py (encoding/json's text of plain values), quantity.py (resource.Quantity), metatime.py
(metav1.Time), roundtrip.py (the type-directed decoders and roundtrip_pod).  Only TypedError lives here,
because every part raises it.
"""


__all__ = ["TypedError"]


class TypedError(ValueError):
    """The pod does not decode into corev1.Pod; the message is Go's."""
