"""Paper-style tables and figures of the workflow results."""
