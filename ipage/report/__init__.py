"""Paper-style tables and figures of the workflow results (issue 3, parts 4-6)."""
