"""Real upstream programs used as test oracles (built on demand, cached outside the repository)."""
