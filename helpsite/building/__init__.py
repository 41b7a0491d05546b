"""The build context and what runs beside it: the source files' worker, shards, the preview."""
