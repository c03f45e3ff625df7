"""The local SQLite cache: schema, migrations, the one writer, outbox, audit chain. No Qt."""

from commandcenter.store.db import Store, StoreError

__all__ = ["Store", "StoreError"]
