"""Named analyst queries: pure functions over the projected graph."""
