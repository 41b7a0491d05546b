"""Translation status, history, diffs, the dashboard, the reader's strings, the handoff."""
