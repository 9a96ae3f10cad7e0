"""`kubectl inject lab`: the seed lab's scenarios, walked step by step on a real cluster or offline.

`scenarios` holds what the lab teaches (as data: steps, commands, expected outcomes), `manifests` the
objects it applies, `edits` the what-if copies of the injector configuration it writes (never applied),
`runner` how a step is carried out and checked. The command itself is `plugin/commands/lab.py`.
"""
