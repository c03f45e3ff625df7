"""The reference platform: a real peer for the client, for demos, tests and drills.

It shares only the wire protocol (`commandcenter.sync.protocol`), the domain rules and the
catalogue with the client, so a bug in the client's cache cannot hide behind shared code.
"""
