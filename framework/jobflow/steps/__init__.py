"""Core steps every workflow can use; each module here is a default plugin (``DEFAULT_PLUGINS``)."""
