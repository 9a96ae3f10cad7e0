"""Inputs and parsers the tests of `-o html` / `-o svg` share (tests/test_html_output.py, test_html_browser.py)."""
from html.parser import HTMLParser

#: Three objects a workshop meets first: injected (namespace label), opted out (the pod annotation decides
#: in Istio's policy), and never asked (an unlabelled namespace: every webhook's namespaceSelector fails).
LESSON = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: httpbin, namespace: mesh}
spec:
  selector: {matchLabels: {app: httpbin}}
  template:
    metadata: {labels: {app: httpbin}}
    spec:
      containers: [{name: httpbin, image: docker.io/kennethreitz/httpbin}]
---
apiVersion: v1
kind: Pod
metadata:
  name: batch
  namespace: mesh
  annotations: {sidecar.istio.io/inject: "false"}
spec:
  containers: [{name: job, image: busybox}]
---
apiVersion: v1
kind: Pod
metadata: {name: client, namespace: default}
spec:
  containers: [{name: curl, image: curlimages/curl}]
"""

#: Markup in every place a manifest can carry free text into the page: an annotation's value (the policy
#: step and an invalid-value warning quote it) and a label value seen by a selector is limited by
#: Kubernetes' label syntax, so the annotation carries the attack; the file name carries another.
ATTACK = '</code></li><script>alert(1)</script><img src=x onerror=alert(2)>"\'&amp;\x1b[31m'
HOSTILE = """\
apiVersion: v1
kind: Pod
metadata:
  name: evil
  namespace: mesh
  annotations:
    sidecar.istio.io/inject: %s
    note: %s
spec:
  containers: [{name: app, image: nginx}]
""" % ("'" + ATTACK.replace("'", "''").replace("\x1b", "") + "'", '"\\e[31m<b>bold</b>"')

#: Elements HTML defines as empty (no end tag).
VOID = {"meta", "br", "img", "input", "link", "hr", "col", "wbr", "area", "base", "source", "embed", "track"}


class Tree(HTMLParser):
    """Checks that every element is closed in order, and collects elements (tag, attributes) and text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.elements, self.errors, self.text = [], [], [], []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1] if self.stack else 'nothing'}")
            return
        self.stack.pop()

    def handle_data(self, data):
        self.text.append(data)


def parse(page: str) -> Tree:
    tree = Tree()
    tree.feed(page)
    tree.close()
    return tree
