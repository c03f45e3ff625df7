"""Live data kept in memory for display: bounded numpy buffers fed by the sample stream.

No Qt here: producers (the sync engine, the drill player, a back-fill from the store) write,
and the UI's display timer reads, so the two run at their own rates.
"""
