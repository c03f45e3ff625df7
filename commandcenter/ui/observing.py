"""Views observe the app's hooks (STYLE.md: subscribe in setup_hooks, unsubscribe in
teardown_hooks). One mixin so every widget does it the same way."""
from __future__ import annotations

import functools


def _forget(subscriptions, *_destroyed) -> None:
    """Unsubscribe a widget deleted without teardown_hooks: a hook calling into a deleted
    widget would raise inside the publisher (e.g. right after the store's commit)."""
    for hook, fn in subscriptions:
        hook.remove(fn)


class ObservesHooks:
    """For QWidgets: list (hook, handler) pairs in `_subscriptions()`; stop timers and the like
    in `_on_teardown()`. Both calls are idempotent."""

    def _subscriptions(self) -> list:
        raise NotImplementedError

    def setup_hooks(self) -> None:
        subscriptions = self._subscriptions()
        for hook, fn in subscriptions:
            hook.append(fn)
        self.destroyed.connect(functools.partial(_forget, subscriptions))

    def teardown_hooks(self) -> None:
        for hook, fn in self._subscriptions():
            hook.remove(fn)
        self._on_teardown()

    def _on_teardown(self) -> None:
        pass
