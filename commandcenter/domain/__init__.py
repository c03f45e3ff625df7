"""Entities, state machines, levels, SLA rules and commands. Pure Python: no Qt, no I/O."""
