"""kubectl-inject's front end: arguments, files and clusters in; printed explanations out."""
__version__ = "0.1.0"
