"""How the process runs: start-up without `site`, forked workers, the on-disk parse-tree cache."""
