"""What runs in a live cluster, against what a pod created now would get: pods grouped by their top-level
controller (`owners`), what each pod has (`pods`), STRICT mutual TLS as PeerAuthentications set it
(`mtls`), the findings that compare the two (`findings`), and reading it all with a constant number of
list calls (`read`). `status` prints these; `explain TYPE/NAME` and `explain -l` attach them to items.
"""
