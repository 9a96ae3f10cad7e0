"""The plugin's own teaching profile: an injector template in Jinja2 and the plain data it reads."""
