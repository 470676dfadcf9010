"""Package data (a package so that wheels carry its files with the ``*.json``/``*.js`` package-data rule)."""
