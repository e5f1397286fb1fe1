"""A handler module that fails at import, like a bad deployment: Lambda must report /init/error."""
raise ImportError("clerk_edge_missing_dependency: this module cannot be imported")
