"""Built-in content libraries and default policy (data package)."""
