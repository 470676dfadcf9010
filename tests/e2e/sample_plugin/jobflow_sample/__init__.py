"""A third-party jobflow plugin that provides the ``sample.greet`` step."""
