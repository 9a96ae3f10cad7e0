"""The plugin's own teaching profile: the Jinja2 renderer (jinja.py) and the plain data it reads (context.py);
the rest of the injection is Istio's template stage (simulator.istio.templates)."""
