"""`kubectl inject watch`: pods as they are created, each held to the prediction for it, and the controllers'
FailedCreate events that name an injector webhook (created.py, failures.py; session.py runs the watches)."""
