"""The demo: the bundled programme replayed over synthetic members, summarised as a report."""
